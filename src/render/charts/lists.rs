//! Charts of the overview and the roles list: chosen roles, and skills had,
//! lacked and asked for.

use super::{Bar, HChart, HRow, Series, esc, figure, hbars, no_data, percent};
use crate::aggregate::Cohort;
use serde::Serialize;
use std::fmt::Write as _;

/// Skills in the overview's supply-and-demand chart.
pub(crate) const TOP_SKILLS: usize = 12;

/// Charts of the overview and list pages, drawn once per build.
#[derive(Serialize)]
pub(crate) struct ListCharts {
    /// How many students chose each canonical role (overview, roles list).
    pub(crate) roles: String,
    /// Top skills: students who have them, who lack them, postings asking.
    pub(crate) skills: String,
}

impl ListCharts {
    pub(crate) fn new(cohort: &Cohort) -> ListCharts {
        ListCharts { roles: chosen_roles(cohort), skills: supply_demand(cohort, TOP_SKILLS) }
    }
}

/// Bars of how many students chose each canonical role, most first; the
/// students with no recognised choice last.
fn chosen_roles(cohort: &Cohort) -> String {
    let (students, counts, other) = (cohort.students, cohort.chosen_roles(), cohort.unchosen);
    if counts.is_empty() && other == 0 {
        return no_data("No submissions yet, so no chosen roles to count.");
    }
    let bar = |value: usize, series| Bar { value, series, text: format!("{value} ({}%)", percent(value, students)) };
    let mut rows: Vec<HRow> =
        counts.iter().map(|&(name, n)| HRow { name, bars: vec![bar(n, Series::Count)], note: None }).collect();
    if other > 0 {
        rows.push(HRow { name: "none or unrecognised", bars: vec![bar(other, Series::Other)], note: None });
    }
    let mut desc = format!("{students} students. ");
    for (i, (name, n)) in counts.iter().enumerate() {
        let _ = write!(desc, "{}{name}: {n}", if i > 0 { "; " } else { "" });
    }
    if other > 0 {
        let _ = write!(desc, "{}no recognised role: {other}", if counts.is_empty() { "" } else { "; " });
    }
    desc.push('.');
    let svg = hbars(&HChart {
        id: "roles-chart",
        title: "How many students chose each role".into(),
        desc,
        legend: &[],
        rows,
        note_w: 0,
    });
    let caption = format!(
        "Students per chosen role (of {students}), most chosen first. Roles are the canonical names the atlas matched."
    );
    figure(&svg, &esc(&caption), false, "")
}

/// Grouped bars for the `top` skills with the most postings asking plus
/// students having plus students lacking them; ties by name.
fn supply_demand(cohort: &Cohort, top: usize) -> String {
    let (ranked, all) = cohort.most_wanted(top);
    if ranked.is_empty() {
        return no_data("No skills had, lacked or asked for yet.");
    }
    let mut desc = String::new();
    for (i, k) in ranked.iter().enumerate() {
        let (name, h, l, p) = (k.name, k.have, k.lack, k.postings);
        let _ = write!(
            desc,
            "{}{name}: {h} have it, {l} lack it, {p} posting{} ask for it",
            if i > 0 { "; " } else { "" },
            if p == 1 { "" } else { "s" }
        );
    }
    desc.push('.');
    let rows = ranked
        .iter()
        .map(|k| HRow {
            name: k.name,
            bars: vec![
                Bar { value: k.have, series: Series::Have, text: k.have.to_string() },
                Bar { value: k.lack, series: Series::Lack, text: k.lack.to_string() },
                Bar { value: k.postings, series: Series::Ask, text: k.postings.to_string() },
            ],
            note: None,
        })
        .collect();
    let svg = hbars(&HChart {
        id: "skills-chart",
        title: format!(
            "The {} most mentioned skills: students who have them, who lack them, postings asking",
            ranked.len()
        ),
        desc,
        legend: &[(Series::Have, "have it"), (Series::Lack, "lack it"), (Series::Ask, "postings asking")],
        rows,
        note_w: 0,
    });
    let caption = format!(
        "The {} of {all} skills with the most students having or lacking them plus postings asking for them. \
         In each group, top to bottom: students who have it (solid), who lack it (hatched), postings asking for it.",
        ranked.len()
    );
    figure(&svg, &esc(&caption), false, "")
}
