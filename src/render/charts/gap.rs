//! A submission's gap chart: the skills postings ask for most, and whether
//! the student has them.

use super::{Bar, Charted, HChart, HRow, Series, esc, figure, hbars, no_data};
use crate::aggregate::{Gap, Status};
use std::fmt::Write as _;

/// The submission page's gap with its chart.
pub(crate) fn gap_page(gap: Gap<'_>) -> Charted<Gap<'_>> {
    let chart = gap_chart(&gap);
    Charted { page: gap, chart }
}

fn series(st: Status) -> Series {
    match st {
        Status::Have => Series::Have,
        Status::Lack => Series::Lack,
        Status::Unlisted => Series::None,
    }
}

fn gap_chart(gap: &Gap) -> String {
    if gap.skills.is_empty() {
        return no_data(
            "No job posting in the cohort names a skill the atlas knows yet, so there is nothing to compare.",
        );
    }
    let postings = gap.postings;
    let whose = match &gap.role {
        Some(r) => format!("postings for {r}"),
        None => "the cohort's postings".to_string(),
    };
    let word = |st| match st {
        Status::Have => "have",
        Status::Lack => "lack",
        Status::Unlisted => "not listed",
    };
    let mut desc = format!(
        "You have {} of the {} skills {whose} ask for most ({postings} postings). ",
        gap.have,
        gap.skills.len()
    );
    for (i, k) in gap.skills.iter().enumerate() {
        let _ = write!(desc, "{}{}: asked by {}, {}", if i > 0 { "; " } else { "" }, k.name, k.asked, word(k.status));
    }
    desc.push('.');
    let rows = gap
        .skills
        .iter()
        .map(|k| HRow {
            name: k.name,
            bars: vec![Bar { value: k.asked, series: series(k.status), text: k.asked.to_string() }],
            note: Some(match k.status {
                Status::Have => "✓ have",
                Status::Lack => "✗ lack",
                Status::Unlisted => "– not listed",
            }),
        })
        .collect();
    let svg = hbars(&HChart {
        id: "gap-chart",
        title: format!("The skills {whose} ask for most, and whether you have them"),
        desc,
        legend: &[(Series::Have, "have"), (Series::Lack, "lack"), (Series::None, "not listed")],
        rows,
        note_w: 96,
    });
    let caption = format!(
        "Bar length: how many of {whose} ({postings}) ask for the skill. Right: whether you list it among the skills \
         you have, the skills you lack, or neither."
    );
    figure(&svg, &esc(&caption), false, "")
}
