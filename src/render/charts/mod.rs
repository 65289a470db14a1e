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
//! the result with `| safe`. Charts only draw: the numbers they show are the
//! aggregate stage's ([`crate::aggregate`]), counted once per build, and the
//! review's. Every ordering comes from there, total (count, then name), so
//! output never depends on hash or thread order.

mod gap;
mod heatmap;
mod lists;
mod scores;
#[cfg(test)]
mod tests;

pub(crate) use gap::gap_page;
pub(crate) use heatmap::product_page;
pub(crate) use lists::ListCharts;
pub(crate) use scores::completeness;

use serde::Serialize;
use std::fmt::Write as _;

/// A page's own data plus its chart (HTML); the page's fields stay at the
/// top level, so templates read `page.name` as before and `page.chart`.
#[derive(Serialize)]
pub(crate) struct Charted<T: Serialize> {
    #[serde(flatten)]
    pub page: T,
    pub chart: String,
}

/// Width of the bar charts in user units (CSS pixels at natural size).
const W: u32 = 420;
/// Room for the names left of the bars.
const LABEL_W: u32 = 136;
/// Longest name drawn before it is cut with "…" (the full name is its tooltip).
const LABEL_CHARS: usize = 18;

/// Text for SVG or HTML: the five markup characters escaped, line breaks
/// made spaces, other control characters (invalid in XML) dropped.
pub(crate) fn esc(s: &str) -> String {
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
