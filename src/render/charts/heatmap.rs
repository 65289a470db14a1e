//! A product's heatmap: components × roles, each cell the students who
//! assigned the role to the component.

use super::{Charted, esc, figure, name_text, no_data, open};
use crate::aggregate::{Heatmap, ProductAgg};
use std::fmt::Write as _;

/// The product page's data with its heatmap.
pub(crate) fn product_page(p: &ProductAgg) -> Charted<&ProductAgg> {
    Charted { page: p, chart: heatmap(&p.name, &p.heatmap) }
}

/// Viridis, light to dark: fill, and the text colour that reads on it.
const HEAT: [(&str, &str); 5] = [
    ("#FDE725", "t-dark"),
    ("#7AD151", "t-dark"),
    ("#22A884", "t-dark"),
    ("#2A788E", "t-light"),
    ("#414487", "t-light"),
];

fn heatmap(product: &str, grid: &Heatmap) -> String {
    let Heatmap { rows, cols, all_rows, all_cols } = grid;
    let (all_rows, all_cols) = (*all_rows, *all_cols);
    if rows.is_empty() || cols.is_empty() {
        return no_data(&format!("No component of {product} was mapped to a recognised role."));
    }
    let max = rows.iter().flat_map(|r| cols.iter().map(|c| r.cell(c))).max().unwrap_or(1).max(1);
    let (lw, cw, ch, head, right) = (170u32, 46u32, 30u32, 136u32, 116u32);
    let w = lw + cols.len() as u32 * cw + right;
    let h = head + rows.len() as u32 * ch + 4;
    let mut desc = String::from(
        "Rows are components, columns roles; each cell is the number of students who assigned the role to the component. ",
    );
    for (i, r) in rows.iter().enumerate() {
        let _ = write!(desc, "{}{}: ", if i > 0 { "; " } else { "" }, r.title);
        let cells: Vec<String> = cols.iter().filter(|c| r.cell(c) > 0).map(|c| format!("{c} {}", r.cell(c))).collect();
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
    for (i, role) in cols.iter().enumerate() {
        let (x, y) = (lw + i as u32 * cw + cw / 2, head - 8);
        name_text(&mut out, x, y, &format!(r#"transform="rotate(-45 {x} {y})""#), role, 26);
    }
    for (j, r) in rows.iter().enumerate() {
        let y = head + j as u32 * ch;
        name_text(&mut out, lw - 8, y + ch / 2 + 4, r#"text-anchor="end""#, &r.title, 22);
        for (i, role) in cols.iter().enumerate() {
            let x = lw + i as u32 * cw;
            let n = r.cell(role);
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
