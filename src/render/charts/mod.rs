//! Inline SVG charts, drawn at build time: readable without JavaScript.
//!
//! Every chart is an `<svg role="img">` named by its `<title>` and described
//! by a `<desc>` that carries its numbers as text; numbers are drawn on every
//! bar and cell, series differ by texture and order as well as by colour
//! (Okabe-Ito for bars, a viridis ramp for the heatmap, both colour-blind
//! safe), and colours come from CSS classes, so light, dark and print styles
//! restyle them (the presentation attributes are only a fallback).
//!
//! Charts hold no links: an image's children are hidden from assistive
//! technology, so a link inside one would be focusable yet unnamed (axe:
//! nested-interactive). The tables and lists beside each chart link every
//! name it shows.
//!
//! Every student-provided string is escaped here ([`esc`]); templates insert
//! the result with `| safe`. Cost: cohort-wide counts are made once per build
//! in one pass over the submissions ([`ListCharts`], [`GapIndex`],
//! [`Heatmaps`]); each entity page then draws only its own few rows. All
//! orderings are total (count, then name), so output never depends on hash
//! or thread order.

use crate::aggregate::{Cohort, ProductAgg};
use crate::discover::slug;
use crate::model::Submission;
use crate::review::CohortReview;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

/// Skills in the overview's supply-and-demand chart.
pub const TOP_SKILLS: usize = 12;
/// Skills in a submission's gap chart.
pub const GAP_SKILLS: usize = 8;
/// Most components (rows) and roles (columns) in a product's heatmap.
pub const HEAT_ROWS: usize = 15;
pub const HEAT_COLS: usize = 10;

/// Width of the bar charts in user units (CSS pixels at natural size).
const W: u32 = 420;
/// Room for the names left of the bars.
const LABEL_W: u32 = 136;
/// Longest name drawn before it is cut with "…" (the full name is its tooltip).
const LABEL_CHARS: usize = 18;

/// Text for SVG or HTML: the five markup characters escaped, line breaks
/// made spaces, other control characters (invalid in XML) dropped.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    esc_into(&mut out, s);
    out
}

/// [`esc`], appending to `out`.
fn esc_into(out: &mut String, s: &str) {
    // Most names and numbers have nothing to replace (0xC2 starts the C1
    // controls, and other Latin-1 characters).
    if !s.bytes().any(|b| matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | ..=0x1F | 0x7F | 0xC2)) {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
}

/// At most `max` characters of `s`, cut with "…"; and whether it was cut.
fn clip(s: &str, max: usize) -> (String, bool) {
    let s = s.trim();
    if s.chars().count() <= max {
        return (s.to_string(), false);
    }
    let mut t: String = s.chars().take(max.saturating_sub(1)).collect();
    t.push('…');
    (t, true)
}

/// A name as SVG text, cut to `max` characters; a cut name keeps its full
/// text as a tooltip.
fn name_text(out: &mut String, x: u32, y: u32, attrs: &str, name: &str, max: usize) {
    let (shown, cut) = clip(name, max);
    let _ = write!(out, r#"<text x="{x}" y="{y}" {attrs}>"#);
    if cut {
        out.push_str("<title>");
        esc_into(out, name);
        out.push_str("</title>");
    }
    esc_into(out, &shown);
    out.push_str("</text>");
}

/// The opening of a chart: `role="img"`, named by its title and described by
/// its desc (both escaped here).
fn open(out: &mut String, id: &str, class: &str, w: u32, h: u32, title: &str, desc: &str) {
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="chart {class}" viewBox="0 0 {w} {h}" width="{w}" height="{h}" role="img" aria-labelledby="{id}-title" aria-describedby="{id}-desc" font-size="13" fill="currentColor"><title id="{id}-title">{}</title><desc id="{id}-desc">{}</desc>"#,
        esc(title),
        esc(desc)
    );
}

/// A chart with its caption (`caption` is HTML the caller escaped).
fn figure(svg: &str, caption: &str, wide: bool, label: &str) -> String {
    if wide {
        // Too wide to shrink legibly on a phone: it scrolls instead, and the
        // scrolling box takes keyboard focus so it can be scrolled without a mouse.
        format!(
            r#"<figure class="chart"><section class="chart-scroll" aria-label="{}" tabindex="0">{svg}</section><figcaption>{caption}</figcaption></figure>"#,
            esc(label)
        )
    } else {
        format!(r#"<figure class="chart">{svg}<figcaption>{caption}</figcaption></figure>"#)
    }
}

/// What a chart shows when there is nothing to draw.
fn no_data(msg: &str) -> String {
    format!(r#"<p class="muted no-data">{}</p>"#, esc(msg))
}

/// `part` of `whole` as a whole percentage, rounded half up.
fn percent(part: usize, whole: usize) -> usize {
    if whole == 0 { 0 } else { (part * 200 + whole) / (2 * whole) }
}

/// Sort (name, count) by count descending, then name: a total order.
fn by_count<T: AsRef<str>>(v: &mut [(T, usize)]) {
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_ref().cmp(b.0.as_ref())));
}

// ---------------------------------------------------------------- bar charts

/// Series of the bar charts; each is a CSS class `b-*` with a fallback fill.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Series {
    /// Students who have a skill: solid bluish green.
    Have,
    /// Students who lack it: hatched vermillion.
    Lack,
    /// Postings asking for it: solid blue.
    Ask,
    /// A count of students (roles, scores): solid blue.
    Count,
    /// A skill the student does not mention: outline only.
    None,
    /// Not stated or not recognised: grey.
    Other,
}

impl Series {
    /// ` class=".." fill=".."` and a stroke where the series has one.
    fn paint(self, out: &mut String, id: &str) {
        let _ = match self {
            Series::Have => write!(out, r##" class="b-have" fill="#009E73""##),
            Series::Lack => write!(out, r##" class="b-lack" fill="url(#{id}-hatch)" stroke="#D55E00""##),
            Series::Ask => write!(out, r##" class="b-ask" fill="#0072B2""##),
            Series::Count => write!(out, r##" class="b-count" fill="#0072B2""##),
            Series::None => write!(out, r##" class="b-none" fill="none" stroke="#5B6570""##),
            Series::Other => write!(out, r##" class="b-other" fill="#8A939C""##),
        };
    }
}

struct Bar {
    value: usize,
    series: Series,
    /// Drawn after the bar's end.
    text: String,
}

struct HRow<'a> {
    name: &'a str,
    bars: Vec<Bar>,
    /// Drawn in a column at the right (the gap chart's have / lack).
    note: Option<&'static str>,
}

struct HChart<'a> {
    id: &'a str,
    title: String,
    desc: String,
    legend: &'a [(Series, &'static str)],
    rows: Vec<HRow<'a>>,
    /// Width of the right-hand note column; 0 for none.
    note_w: u32,
}

/// The hatch of [`Series::Lack`], defined once per chart.
fn hatch(out: &mut String, id: &str) {
    let _ = write!(
        out,
        r##"<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><line x1="1.5" y1="0" x2="1.5" y2="6" class="hatch" stroke="#D55E00" stroke-width="3"/></pattern></defs>"##
    );
}

fn legend(out: &mut String, id: &str, items: &[(Series, &str)]) {
    let mut x = 2;
    for (s, label) in items {
        let _ = write!(out, r#"<rect x="{x}" y="4" width="14" height="14""#);
        s.paint(out, id);
        let _ = write!(out, r#"/><text x="{}" y="16">{}</text>"#, x + 19, esc(label));
        x += 19 + 7 * label.chars().count() + 18;
    }
}

/// Horizontal bars: one group of bars per row, names at the left, each
/// bar's number after its end.
fn hbars(c: &HChart) -> String {
    let per_row = c.rows.iter().map(|r| r.bars.len()).max().unwrap_or(1).max(1) as u32;
    let (bh, gap, pad) = if per_row > 1 { (11, 2, 12) } else { (18, 0, 8) };
    let legend_h = if c.legend.is_empty() { 0 } else { 28 };
    let value_w = 64;
    let bar_w = (W - LABEL_W - 6 - value_w - c.note_w) as usize;
    let max = c.rows.iter().flat_map(|r| &r.bars).map(|b| b.value).max().unwrap_or(0).max(1);
    let group = |n: u32| n * bh + n.saturating_sub(1) * gap;
    let h = legend_h + 4 + c.rows.iter().map(|r| group(r.bars.len() as u32) + pad).sum::<u32>();
    let mut out = String::with_capacity(600 + c.rows.len() * 260);
    open(&mut out, c.id, "bars", W, h, &c.title, &c.desc);
    let lacks = c.legend.iter().any(|(s, _)| *s == Series::Lack)
        || c.rows.iter().flat_map(|r| &r.bars).any(|b| b.series == Series::Lack);
    if lacks {
        hatch(&mut out, c.id);
    }
    legend(&mut out, c.id, c.legend);
    let x0 = LABEL_W;
    // Text is centred on a line by moving its baseline down a third of the font size.
    let small = if per_row > 1 { r#" font-size="11""# } else { "" };
    let mut y = legend_h + 4;
    for r in &c.rows {
        let gh = group(r.bars.len() as u32);
        name_text(&mut out, x0 - 8, y + gh / 2 + 4, r#"text-anchor="end""#, r.name, LABEL_CHARS);
        for (i, b) in r.bars.iter().enumerate() {
            let by = y + i as u32 * (bh + gap);
            // Rounded to whole units; a non-zero value always shows.
            let mut len = ((b.value * bar_w * 2 + max) / (2 * max)) as u32;
            if b.value > 0 {
                len = len.max(2);
            }
            let _ = write!(out, r#"<rect x="{x0}" y="{by}" width="{len}" height="{bh}""#);
            b.series.paint(&mut out, c.id);
            let _ = write!(out, r#"/><text x="{}" y="{}" class="v"{small}>"#, x0 + len + 4, by + bh / 2 + 4);
            esc_into(&mut out, &b.text);
            out.push_str("</text>");
        }
        if let Some(note) = r.note {
            let _ = write!(out, r#"<text x="{}" y="{}" class="note">"#, W - c.note_w + 6, y + gh / 2 + 4);
            esc_into(&mut out, note);
            out.push_str("</text>");
        }
        y += gh + pad;
    }
    let _ = write!(out, r#"<line x1="{x0}" y1="{legend_h}" x2="{x0}" y2="{h}" class="axis" stroke="currentColor"/>"#);
    out.push_str("</svg>");
    out
}

// ------------------------------------------------------- overview and lists

/// Charts of the overview and list pages, drawn once per build.
#[derive(Serialize)]
pub struct ListCharts {
    /// How many students chose each canonical role (overview, roles list).
    pub roles: String,
    /// Top skills: students who have them, who lack them, postings asking.
    pub skills: String,
}

impl ListCharts {
    pub fn new(subs: &[Submission], cohort: &Cohort) -> ListCharts {
        ListCharts { roles: chosen_roles(subs.len(), cohort), skills: supply_demand(cohort, TOP_SKILLS) }
    }
}

/// Bars of how many students chose each canonical role, most first; the
/// students whose choice is missing or unrecognised last.
pub fn chosen_roles(students: usize, cohort: &Cohort) -> String {
    let mut counts: Vec<(&str, usize)> =
        cohort.roles.iter().filter(|r| !r.chosen_by.is_empty()).map(|r| (r.name.as_str(), r.chosen_by.len())).collect();
    by_count(&mut counts);
    let recognised: usize = counts.iter().map(|c| c.1).sum();
    let other = students.saturating_sub(recognised);
    if counts.is_empty() && other == 0 {
        return no_data("No submissions yet, so no chosen roles to count.");
    }
    let bar = |value: usize, series| Bar { value, series, text: format!("{value} ({}%)", percent(value, students)) };
    let mut rows: Vec<HRow> =
        counts.iter().map(|&(name, n)| HRow { name, bars: vec![bar(n, Series::Count)], note: None }).collect();
    if other > 0 {
        rows.push(HRow { name: "none or unrecognised", bars: vec![bar(other, Series::Other)], note: None });
    }
    let mut desc = format!("{students} submissions. ");
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
pub fn supply_demand(cohort: &Cohort, top: usize) -> String {
    let mut ranked: Vec<(&str, usize, usize, usize)> = cohort
        .skills
        .iter()
        .map(|k| (k.name.as_str(), k.have.len(), k.lack.len(), k.postings))
        .filter(|&(_, h, l, p)| h + l + p > 0)
        .collect();
    let all = ranked.len();
    ranked.sort_by(|a, b| (b.1 + b.2 + b.3).cmp(&(a.1 + a.2 + a.3)).then_with(|| a.0.cmp(b.0)));
    ranked.truncate(top);
    if ranked.is_empty() {
        return no_data("No skills had, lacked or asked for yet.");
    }
    let mut desc = String::new();
    for (i, (name, h, l, p)) in ranked.iter().enumerate() {
        let _ = write!(
            desc,
            "{}{name}: {h} have it, {l} lack it, {p} posting{} ask for it",
            if i > 0 { "; " } else { "" },
            if *p == 1 { "" } else { "s" }
        );
    }
    desc.push('.');
    let rows = ranked
        .iter()
        .map(|&(name, h, l, p)| HRow {
            name,
            bars: vec![
                Bar { value: h, series: Series::Have, text: h.to_string() },
                Bar { value: l, series: Series::Lack, text: l.to_string() },
                Bar { value: p, series: Series::Ask, text: p.to_string() },
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

// ------------------------------------------------------------ gap per student

/// The skills postings ask for most, among some postings.
#[derive(Default)]
struct Basis {
    students: usize,
    postings: usize,
    top: Vec<(String, usize)>,
}

#[derive(Default)]
struct BasisAcc<'a> {
    students: usize,
    postings: usize,
    skills: HashMap<&'a str, usize>,
}

impl BasisAcc<'_> {
    fn finish(self) -> Basis {
        let mut top: Vec<(String, usize)> = self.skills.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        by_count(&mut top);
        top.truncate(GAP_SKILLS);
        Basis { students: self.students, postings: self.postings, top }
    }
}

/// Per chosen role (and cohort-wide), the skills the postings collected by
/// students who chose it ask for most; counted once per build.
pub struct GapIndex {
    by_role: HashMap<String, Basis>,
    cohort: Basis,
}

/// One student's skills against what postings ask for (submission page).
#[derive(Serialize, Debug)]
pub struct Gap {
    /// The student's chosen role, canonical.
    pub chosen: Option<String>,
    /// The role whose postings are compared; `None` when cohort-wide.
    pub role: Option<String>,
    /// Why the comparison is cohort-wide: `no-role` (no recognised chosen
    /// role) or `no-postings` (no posting for it names a known skill).
    pub fallback: Option<&'static str>,
    /// Of the compared skills: how many the student has, lacks, or does not mention.
    pub have: usize,
    pub lack: usize,
    pub unmentioned: usize,
    pub total: usize,
    /// Postings and students the compared skills were counted from.
    pub postings: usize,
    pub students: usize,
    /// The chart (HTML, escaped), or a "no data" paragraph.
    pub chart: String,
}

impl GapIndex {
    pub fn new(subs: &[Submission]) -> GapIndex {
        let mut roles: HashMap<&str, BasisAcc> = HashMap::new();
        let mut all = BasisAcc::default();
        for s in subs {
            let role = s.chosen_role.as_ref().and_then(|c| c.canonical.as_deref());
            let mut acc = role.map(|r| roles.entry(r).or_default());
            if !s.postings.is_empty() {
                all.students += 1;
                if let Some(a) = acc.as_mut() {
                    a.students += 1;
                }
            }
            for p in &s.postings {
                all.postings += 1;
                if let Some(a) = acc.as_mut() {
                    a.postings += 1;
                }
                for (i, k) in p.skills.iter().enumerate() {
                    if p.skills[..i].contains(k) {
                        continue;
                    }
                    *all.skills.entry(k.as_str()).or_default() += 1;
                    if let Some(a) = acc.as_mut() {
                        *a.skills.entry(k.as_str()).or_default() += 1;
                    }
                }
            }
        }
        GapIndex {
            by_role: roles.into_iter().map(|(r, a)| (r.to_string(), a.finish())).collect(),
            cohort: all.finish(),
        }
    }

    /// `s`'s skills against the postings for its chosen role (else the cohort's).
    pub fn gap(&self, s: &Submission) -> Gap {
        let chosen = s.chosen_role.as_ref().and_then(|c| c.canonical.clone());
        let for_role = chosen.as_ref().and_then(|r| self.by_role.get(r)).filter(|b| !b.top.is_empty());
        let (basis, role, fallback) = match (&chosen, for_role) {
            (Some(r), Some(b)) => (b, Some(r.clone()), None),
            (Some(_), None) => (&self.cohort, None, Some("no-postings")),
            (None, _) => (&self.cohort, None, Some("no-role")),
        };
        let has = |list: &[crate::model::SkillItem], k: &str| list.iter().any(|i| i.skills.iter().any(|x| x == k));
        let status: Vec<(&str, usize, Series)> = basis
            .top
            .iter()
            .map(|(k, n)| {
                let st = if has(&s.skills_have, k) {
                    Series::Have
                } else if has(&s.skills_lack, k) {
                    Series::Lack
                } else {
                    Series::None
                };
                (k.as_str(), *n, st)
            })
            .collect();
        let count = |st| status.iter().filter(|x| x.2 == st).count();
        let (have, lack, unmentioned) = (count(Series::Have), count(Series::Lack), count(Series::None));
        let chart = gap_chart(&status, role.as_deref(), basis.postings);
        Gap {
            chosen,
            role,
            fallback,
            have,
            lack,
            unmentioned,
            total: status.len(),
            postings: basis.postings,
            students: basis.students,
            chart,
        }
    }
}

fn gap_chart(status: &[(&str, usize, Series)], role: Option<&str>, postings: usize) -> String {
    if status.is_empty() {
        return no_data(
            "No job posting in the cohort names a skill the atlas knows yet, so there is nothing to compare.",
        );
    }
    let whose = match role {
        Some(r) => format!("postings for {r}"),
        None => "the cohort's postings".to_string(),
    };
    let have = status.iter().filter(|x| x.2 == Series::Have).count();
    let word = |st| match st {
        Series::Have => "have",
        Series::Lack => "lack",
        _ => "not listed",
    };
    let mut desc =
        format!("You have {have} of the {} skills {whose} ask for most ({postings} postings). ", status.len());
    for (i, (k, n, st)) in status.iter().enumerate() {
        let _ = write!(desc, "{}{k}: asked by {n}, {}", if i > 0 { "; " } else { "" }, word(*st));
    }
    desc.push('.');
    let rows = status
        .iter()
        .map(|&(name, n, st)| HRow {
            name,
            bars: vec![Bar { value: n, series: st, text: n.to_string() }],
            note: Some(match st {
                Series::Have => "✓ have",
                Series::Lack => "✗ lack",
                _ => "– not listed",
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

// ----------------------------------------------------------- product heatmap

#[derive(Default)]
struct HeatRow {
    title: String,
    /// Students of the product who mapped this component.
    students: usize,
    /// Role -> students who assigned it to this component.
    roles: BTreeMap<String, usize>,
}

/// Per product (by slug), component × role counts; counted once per build.
pub struct Heatmaps {
    by_product: HashMap<String, Vec<HeatRow>>,
}

/// A page's own data plus its chart (HTML); the page's fields stay at the
/// top level, so templates read `page.name` as before and `page.chart`.
#[derive(Serialize)]
pub struct Charted<T: Serialize> {
    #[serde(flatten)]
    pub page: T,
    pub chart: String,
}

impl Heatmaps {
    /// Components are keyed like the component pages (slug of the kind, else
    /// the name); a student counts once per component and role.
    pub fn new(subs: &[Submission]) -> Heatmaps {
        // Slugging is the costly part: once per distinct name, and each slug
        // numbered so the per-submission work compares integers.
        let mut ids: HashMap<&str, usize> = HashMap::new();
        let mut by_slug: HashMap<String, usize> = HashMap::new();
        let mut products: HashMap<&str, usize> = HashMap::new();
        let mut product_slugs: HashMap<String, usize> = HashMap::new();
        let mut grids: Vec<HashMap<usize, HeatRow>> = Vec::new();
        let mut comps: Vec<(usize, &str)> = Vec::new();
        let mut pairs: Vec<(usize, &str)> = Vec::new();
        for s in subs {
            let Some(p) = &s.product else { continue };
            comps.clear();
            pairs.clear();
            for c in &s.components {
                let title = c.kind.as_deref().unwrap_or(&c.name);
                let next = by_slug.len();
                let id = *ids.entry(title).or_insert_with(|| *by_slug.entry(slug(title)).or_insert(next));
                comps.push((id, title));
                for r in &c.roles {
                    pairs.extend(r.canonical.iter().map(|canon| (id, canon.as_str())));
                }
            }
            // A student counts once per component (the first name they used) and role.
            comps.sort_by_key(|c| c.0);
            comps.dedup_by_key(|c| c.0);
            pairs.sort_unstable();
            pairs.dedup();
            let next = product_slugs.len();
            let pid = *products.entry(p.as_str()).or_insert_with(|| *product_slugs.entry(slug(p)).or_insert(next));
            if pid == grids.len() {
                grids.push(HashMap::new());
            }
            let grid = &mut grids[pid];
            for &(id, title) in &comps {
                grid.entry(id)
                    .or_insert_with(|| HeatRow { title: title.to_string(), ..HeatRow::default() })
                    .students += 1;
            }
            for &(id, role) in &pairs {
                if let Some(row) = grid.get_mut(&id) {
                    match row.roles.get_mut(role) {
                        Some(n) => *n += 1,
                        None => {
                            row.roles.insert(role.to_string(), 1);
                        }
                    }
                }
            }
        }
        let by_product = product_slugs
            .into_iter()
            .map(|(key, pid)| (key, std::mem::take(&mut grids[pid]).into_values().collect()))
            .collect();
        Heatmaps { by_product }
    }

    /// The product page's data with its heatmap.
    pub fn page<'a>(&self, p: &'a ProductAgg) -> Charted<&'a ProductAgg> {
        let chart = heatmap(&p.name, self.by_product.get(&p.slug).map_or(&[], Vec::as_slice));
        Charted { page: p, chart }
    }
}

/// Viridis, light to dark: fill, and the text colour that reads on it.
const HEAT: [(&str, &str); 5] = [
    ("#FDE725", "t-dark"),
    ("#7AD151", "t-dark"),
    ("#22A884", "t-dark"),
    ("#2A788E", "t-light"),
    ("#414487", "t-light"),
];

fn heatmap(product: &str, grid: &[HeatRow]) -> String {
    let mut rows: Vec<&HeatRow> = grid.iter().filter(|r| !r.roles.is_empty()).collect();
    let all_rows = rows.len();
    rows.sort_by(|a, b| b.students.cmp(&a.students).then_with(|| a.title.cmp(&b.title)));
    rows.truncate(HEAT_ROWS);
    let mut totals: BTreeMap<&str, usize> = BTreeMap::new();
    for r in &rows {
        for (role, n) in &r.roles {
            *totals.entry(role).or_default() += n;
        }
    }
    let mut cols: Vec<(&str, usize)> = totals.into_iter().collect();
    let all_cols = cols.len();
    by_count(&mut cols);
    cols.truncate(HEAT_COLS);
    if rows.is_empty() || cols.is_empty() {
        return no_data(&format!("No component of {product} was mapped to a recognised role."));
    }
    let cell = |r: &HeatRow, role: &str| r.roles.get(role).copied().unwrap_or(0);
    let max = rows.iter().flat_map(|r| cols.iter().map(|c| cell(r, c.0))).max().unwrap_or(1).max(1);
    let (lw, cw, ch, head, right) = (170u32, 46u32, 30u32, 136u32, 116u32);
    let w = lw + cols.len() as u32 * cw + right;
    let h = head + rows.len() as u32 * ch + 4;
    let mut desc = String::from(
        "Rows are components, columns roles; each cell is the number of students who assigned the role to the component. ",
    );
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(desc, "{}{}: ", if i > 0 { "; " } else { "" }, r.title);
        let cells: Vec<String> =
            cols.iter().filter(|c| cell(r, c.0) > 0).map(|c| format!("{} {}", c.0, cell(r, c.0))).collect();
        desc.push_str(&cells.join(", "));
    }
    desc.push('.');
    let mut out = String::with_capacity(1000 + rows.len() * cols.len() * 160);
    open(
        &mut out,
        "heatmap",
        "heatmap",
        w,
        h,
        &format!("Roles students assigned to each component of {product}"),
        &desc,
    );
    for (i, (role, _)) in cols.iter().enumerate() {
        let (x, y) = (lw + i as u32 * cw + cw / 2, head - 8);
        name_text(&mut out, x, y, &format!(r#"transform="rotate(-45 {x} {y})""#), role, 26);
    }
    for (j, r) in rows.iter().enumerate() {
        let y = head + j as u32 * ch;
        name_text(&mut out, lw - 8, y + ch / 2 + 4, r#"text-anchor="end""#, &r.title, 22);
        for (i, (role, _)) in cols.iter().enumerate() {
            let x = lw + i as u32 * cw;
            let n = cell(r, role);
            if n == 0 {
                let _ = write!(
                    out,
                    r##"<rect x="{}" y="{}" width="{}" height="{}" class="h0" fill="none" stroke="#D9DEE3"/>"##,
                    x + 1,
                    y + 1,
                    cw - 2,
                    ch - 2
                );
                continue;
            }
            // Five steps of the ramp: ceil(5 n / max).
            let step = (n * 5).div_ceil(max).clamp(1, 5);
            let (fill, text) = HEAT[step - 1];
            let _ = write!(
                out,
                r#"<rect x="{}" y="{}" width="{}" height="{}" class="h{step}" fill="{fill}"/><text x="{}" y="{}" text-anchor="middle" class="{text}">{n}</text>"#,
                x + 1,
                y + 1,
                cw - 2,
                ch - 2,
                x + cw / 2,
                y + ch / 2 + 4
            );
        }
    }
    out.push_str("</svg>");
    let mut caption = String::from(
        "Each cell: how many students assigned that role to that component; darker means more, empty means none.",
    );
    let mut shown = Vec::new();
    if rows.len() < all_rows {
        shown.push(format!("the {} most mapped of {all_rows} components", rows.len()));
    }
    if cols.len() < all_cols {
        shown.push(format!("the {} most assigned of {all_cols} roles", cols.len()));
    }
    if !shown.is_empty() {
        let _ = write!(caption, " Showing {}.", shown.join(" and "));
    }
    figure(&out, &esc(&caption), true, &format!("Heatmap of {product}"))
}

// -------------------------------------------------------- review completeness

/// Histogram of rubric scores across the cohort (review page): one bar per
/// score when every submission has the same maximum, else tenths of it.
pub fn completeness(review: &CohortReview) -> String {
    let n = review.reviews.len();
    if n == 0 {
        return no_data("No submissions to score yet.");
    }
    let max = review.reviews[0].max_score;
    let uniform = max > 0 && max <= 30 && review.reviews.iter().all(|r| r.max_score == max);
    let bins: Vec<(String, usize)> = if uniform {
        let mut b: Vec<(String, usize)> = (0..=max).map(|s| (s.to_string(), 0)).collect();
        for r in &review.reviews {
            b[r.score.min(max) as usize].1 += 1;
        }
        b
    } else {
        let mut b: Vec<(String, usize)> = (0..10).map(|i| (format!("{}", i * 10), 0)).collect();
        for r in &review.reviews {
            let p = (r.score.min(r.max_score) * 100).checked_div(r.max_score).unwrap_or(0) as usize;
            b[(p / 10).min(9)].1 += 1;
        }
        b
    };
    let mut scores: Vec<u32> = review.reviews.iter().map(|r| r.score).collect();
    scores.sort_unstable();
    let median = if !n.is_multiple_of(2) {
        scores[n / 2].to_string()
    } else {
        let twice = scores[n / 2 - 1] + scores[n / 2];
        if twice.is_multiple_of(2) { (twice / 2).to_string() } else { format!("{}.5", twice / 2) }
    };
    let full = review.reviews.iter().filter(|r| r.max_score > 0 && r.score >= r.max_score).count();
    let axis = if uniform {
        format!("Rubric score (out of {max})")
    } else {
        "Score as a share of the maximum, % (bins of 10; the last includes 100)".to_string()
    };
    let mut desc = format!("{n} submissions. ");
    for (i, (label, c)) in bins.iter().filter(|b| b.1 > 0).enumerate() {
        let unit = if uniform { "" } else { "%" };
        let _ = write!(desc, "{}score {label}{unit}: {c}", if i > 0 { "; " } else { "" });
    }
    let _ = write!(desc, ". Median score {median}{}.", if uniform { format!(" of {max}") } else { String::new() });

    let (left, right, top, plot_h, bottom) = (16u32, 8u32, 22u32, 150u32, 44u32);
    let h = top + plot_h + bottom;
    let slot = (W - left - right) as f64 / bins.len() as f64;
    let bw = (slot * 0.72).min(40.0);
    let most = bins.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    let mut out = String::with_capacity(600 + bins.len() * 260);
    open(&mut out, "score-chart", "histogram", W, h, "How many submissions got each rubric score", &desc);
    let base = (top + plot_h) as f64;
    for (i, (label, c)) in bins.iter().enumerate() {
        let cx = left as f64 + slot * (i as f64 + 0.5);
        if *c > 0 {
            let bh = (*c as f64 * plot_h as f64 / most).max(2.0);
            let _ = write!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="{bw:.1}" height="{bh:.1}" class="b-count" fill="#0072B2"/><text x="{cx:.1}" y="{:.1}" text-anchor="middle" class="v">{c}</text>"##,
                cx - bw / 2.0,
                base - bh,
                base - bh - 5.0
            );
        }
        let _ = write!(
            out,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="12">{label}</text>"#,
            base + 17.0
        );
    }
    let _ = write!(
        out,
        r#"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" class="axis" stroke="currentColor"/><text x="{}" y="{}" text-anchor="middle">{}</text></svg>"#,
        W - right,
        (left + W - right) / 2,
        h - 6,
        esc(&axis)
    );
    let caption = format!(
        "Rubric scores of the {n} submissions: the number above each bar is how many got that score. Median {median}{}; \
         {full} with full marks.",
        if uniform { format!(" of {max}") } else { String::new() }
    );
    figure(&out, &esc(&caption), false, "")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ChosenRole, Component, Posting, Reflection, RoleRef, SkillItem};
    use crate::review::Review;

    fn items(names: &[&str]) -> Vec<SkillItem> {
        names.iter().map(|n| SkillItem { name: n.to_string(), skills: vec![n.to_string()] }).collect()
    }

    /// A made-up submission: `comps` are (component, roles).
    fn sub(
        id: &str,
        product: Option<&str>,
        role: Option<&str>,
        have: &[&str],
        lack: &[&str],
        postings: &[&[&str]],
        comps: &[(&str, &[&str])],
    ) -> Submission {
        Submission {
            id: id.into(),
            source: id.into(),
            author: id.into(),
            files: vec![],
            product: product.map(str::to_string),
            components: comps
                .iter()
                .map(|(c, roles)| Component {
                    name: c.to_string(),
                    kind: None,
                    roles: roles
                        .iter()
                        .map(|r| RoleRef { name: r.to_string(), canonical: vec![r.to_string()] })
                        .collect(),
                    line: 1,
                })
                .collect(),
            responsibilities: vec![],
            common_skills: vec![],
            chosen_role: role.map(|r| ChosenRole {
                name: r.into(),
                canonical: Some(r.into()),
                level: None,
                stack: vec![],
                file: "x.md".into(),
                line: 1,
            }),
            skills_have: items(have),
            skills_lack: items(lack),
            postings: postings
                .iter()
                .map(|ks| Posting {
                    url: None,
                    title: "Job".into(),
                    company: None,
                    skills: ks.iter().map(|k| k.to_string()).collect(),
                })
                .collect(),
            skills_in_several_postings: vec![],
            skills_in_one_posting: vec![],
            reflection: Reflection { written: true, text: String::new() },
            sections_missing: vec![],
            diagnostics: vec![],
            sources: vec![],
            section_heads: None,
        }
    }

    fn cohort_of(subs: &[Submission]) -> Cohort {
        crate::aggregate::aggregate(subs, &crate::normalize::Taxonomy::builtin())
    }

    fn tiny() -> Vec<Submission> {
        vec![
            sub(
                "a",
                Some("Shop"),
                Some("Backend Engineer"),
                &["Python", "SQL"],
                &["Docker"],
                &[&["Python", "Docker"], &["Python", "Kafka"]],
                &[("API", &["Backend Engineer"]), ("App", &["Mobile Engineer"])],
            ),
            sub(
                "b",
                Some("Shop"),
                Some("Backend Engineer"),
                &["Docker"],
                &["Python"],
                &[&["Docker", "SQL"]],
                &[("API", &["Backend Engineer", "DevOps Engineer"]), ("api", &["Backend Engineer"])],
            ),
            sub("c", Some("Maps"), Some("Data Analyst"), &["SQL"], &[], &[&["SQL", "Excel"]], &[]),
            sub("d", None, None, &["Go"], &[], &[], &[]),
        ]
    }

    /// Every element the chart opens is closed and nothing raw leaks: a
    /// crude well-formedness check good enough for generated markup.
    fn assert_balanced(svg: &str) {
        assert_eq!(svg.matches("<svg").count(), svg.matches("</svg>").count(), "{svg}");
        assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count(), "{svg}");
        assert_eq!(svg.matches("<title").count(), svg.matches("</title>").count(), "{svg}");
        assert_eq!(svg.matches("<figure").count(), svg.matches("</figure>").count(), "{svg}");
    }

    #[test]
    fn escapes_hostile_names() {
        assert_eq!(esc(r#"<b a="x">&'"#), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
        assert_eq!(esc("a\u{0}b\u{1b}c\nd"), "abc d");
        // C1 controls dropped; other text, Latin-1 and Cyrillic too, kept whole.
        assert_eq!(esc("x\u{85}y\u{9f}z\u{7f}"), "xyz");
        assert_eq!(esc("Café © Ёжик"), "Café © Ёжик");
        let evil = r#"</text><script>alert("x")</script>&amp;"#;
        let mut subs = tiny();
        subs[0].product = Some(evil.to_string());
        subs[0].components[0].name = evil.to_string();
        subs[0].chosen_role.as_mut().unwrap().canonical = Some(evil.to_string());
        subs[0].skills_have = items(&[evil]);
        subs[1].postings[0].skills.push(evil.to_string());
        let cohort = cohort_of(&subs);
        let lists = ListCharts::new(&subs, &cohort);
        let gap = GapIndex::new(&subs).gap(&subs[0]);
        let heat = Heatmaps::new(&subs);
        let prod = cohort.products.iter().find(|p| p.name == evil).unwrap();
        for html in [&lists.roles, &lists.skills, &gap.chart, &heat.page(prod).chart] {
            assert!(!html.contains("<script"), "{html}");
            assert!(!html.contains("</text><script"), "{html}");
            assert_balanced(html);
        }
        assert!(lists.roles.contains("&lt;/text&gt;&lt;script&gt;"), "{}", lists.roles);
        // Clipped names keep their full text, escaped, as a tooltip.
        assert!(heat.page(prod).chart.contains("<title>&lt;/text&gt;&lt;script&gt;alert(&quot;x&quot;)"));
        // Clipping counts characters, never splits one.
        assert_eq!(clip("Ёжик в тумане и ещё что-то длинное", 5), ("Ёжик…".to_string(), true));
    }

    #[test]
    fn counts_on_a_tiny_cohort() {
        let subs = tiny();
        let cohort = cohort_of(&subs);
        let lists = ListCharts::new(&subs, &cohort);
        // Backend 2, Data Analyst 1, one student without a role.
        assert!(
            lists.roles.contains("Backend Engineer: 2; Data Analyst: 1; no recognised role: 1."),
            "{}",
            lists.roles
        );
        assert!(lists.roles.contains(">2 (50%)<") && lists.roles.contains(">1 (25%)<"));
        let backend = lists.roles.find(">Backend Engineer<").unwrap();
        let analyst = lists.roles.find(">Data Analyst<").unwrap();
        assert!(backend < analyst, "most chosen first");
        // Python: have 1, lack 1, asked by 2 postings.
        assert!(lists.skills.contains("Python: 1 have it, 1 lack it, 2 postings ask for it"), "{}", lists.skills);
        assert!(lists.skills.contains("Docker: 1 have it, 1 lack it, 2 postings ask for it"));
        // Docker, Python and SQL all total 4: ties by name.
        let order: Vec<usize> = ["Docker:", "Python:", "SQL:"].iter().map(|k| lists.skills.find(k).unwrap()).collect();
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", lists.skills);

        // Heatmap: "API" and "api" are one component; b counts once for Backend there.
        let heat = Heatmaps::new(&subs);
        let shop = cohort.products.iter().find(|p| p.name == "Shop").unwrap();
        let chart = heat.page(shop).chart;
        assert!(chart.contains("API: Backend Engineer 2, DevOps Engineer 1; App: Mobile Engineer 1."), "{chart}");
        assert!(chart.contains(r#"class="t-light">2</text>"#), "the largest cell is darkest: {chart}");
        let maps = cohort.products.iter().find(|p| p.name == "Maps").unwrap();
        assert!(heat.page(maps).chart.contains("no-data"));
    }

    #[test]
    fn gap_arithmetic() {
        let subs = tiny();
        let idx = GapIndex::new(&subs);
        // a (Backend): Backend postings ask Python 2, Docker 2, Kafka 1, SQL 1.
        let a = idx.gap(&subs[0]);
        assert_eq!(a.role.as_deref(), Some("Backend Engineer"));
        assert_eq!(a.fallback, None);
        assert_eq!((a.have, a.lack, a.unmentioned, a.total), (2, 1, 1, 4), "{a:?}");
        assert_eq!((a.postings, a.students), (3, 2));
        assert!(
            a.chart.contains("You have 2 of the 4 skills postings for Backend Engineer ask for most"),
            "{}",
            a.chart
        );
        assert!(a.chart.contains("Docker: asked by 2, lack; Python: asked by 2, have; Kafka: asked by 1, not listed"));
        // b has Docker and lacks Python.
        let b = idx.gap(&subs[1]);
        assert_eq!((b.have, b.lack, b.unmentioned), (1, 1, 2));
        // d has no chosen role: cohort-wide, and says so.
        let d = idx.gap(&subs[3]);
        assert_eq!((d.role.clone(), d.fallback), (None, Some("no-role")));
        assert_eq!((d.total, d.have, d.postings, d.students), (5, 0, 4, 3));
        assert!(d.chart.contains("the cohort&#39;s postings"));
        // A chosen role no posting is for falls back too.
        let mut e = subs[3].clone();
        e.chosen_role = subs[0].chosen_role.clone().map(|mut c| {
            c.canonical = Some("QA Engineer".into());
            c
        });
        let e = idx.gap(&e);
        assert_eq!((e.chosen.as_deref(), e.role.clone(), e.fallback), (Some("QA Engineer"), None, Some("no-postings")));
        // Top 8 at most.
        // Top 8 at most; a skill named twice in one posting counts once.
        let many: Vec<&str> = vec!["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "B"];
        let big = vec![sub("x", None, Some("R"), &["A"], &[], &[&many, &["J"]], &[])];
        let g = GapIndex::new(&big).gap(&big[0]);
        assert_eq!((g.total, g.have), (GAP_SKILLS, 1));
        assert!(g.chart.contains("J: asked by 2, not listed; A: asked by 1, have; B: asked by 1"), "{}", g.chart);
    }

    #[test]
    fn deterministic_whatever_the_order_of_hashing() {
        let subs = tiny();
        let cohort = cohort_of(&subs);
        let a = (ListCharts::new(&subs, &cohort).skills, GapIndex::new(&subs).gap(&subs[2]).chart);
        for _ in 0..20 {
            let b = (ListCharts::new(&subs, &cohort).skills, GapIndex::new(&subs).gap(&subs[2]).chart);
            assert_eq!(a, b);
        }
        // Heatmap cells come out in a total order too.
        let heat: Vec<String> = (0..20)
            .map(|_| Heatmaps::new(&subs).page(cohort.products.iter().find(|p| p.name == "Shop").unwrap()).chart)
            .collect();
        assert!(heat.windows(2).all(|w| w[0] == w[1]));
    }

    #[test]
    fn empty_cohort_says_no_data() {
        let cohort = cohort_of(&[]);
        let lists = ListCharts::new(&[], &cohort);
        assert!(lists.roles.contains("no-data") && lists.skills.contains("no-data"));
        assert!(completeness(&CohortReview::default()).contains("no-data"));
        let d = sub("d", None, None, &[], &[], &[], &[]);
        let gap = GapIndex::new(&[]).gap(&d);
        assert_eq!(gap.total, 0);
        assert!(gap.chart.contains("no-data"));
    }

    #[test]
    fn charts_are_labelled_images() {
        let subs = tiny();
        let cohort = cohort_of(&subs);
        let lists = ListCharts::new(&subs, &cohort);
        let review = CohortReview {
            reviews: [3, 14, 14, 9]
                .iter()
                .map(|&score| Review {
                    score,
                    max_score: 14,
                    rubric: vec![],
                    missing: vec![],
                    findings: vec![],
                    near_duplicates: vec![],
                })
                .collect(),
            near_duplicates: vec![],
        };
        let hist = completeness(&review);
        assert!(hist.contains("score 3: 1; score 9: 1; score 14: 2. Median score 11.5 of 14."), "{hist}");
        assert!(hist.contains("2 with full marks"));
        for svg in [&lists.roles, &lists.skills, &hist] {
            assert!(svg.contains(r#"role="img""#) && svg.contains("<title id=") && svg.contains("<desc id="));
            assert!(!svg.contains("style="), "CSP forbids inline styles");
            assert!(!svg.contains("<a "), "no links inside an image");
            assert_balanced(svg);
        }
    }
}
