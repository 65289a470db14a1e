//! A product's components × roles: how many of its students assigned each
//! role to each component (the product page's heatmap).

use super::{Distinct, Sub, by_count, title};
use crate::model::Submission;
use crate::text::FxMap;
use std::collections::BTreeMap;

/// Most components (rows) and roles (columns) a heatmap shows.
pub(crate) const HEAT_ROWS: usize = 15;
pub(crate) const HEAT_COLS: usize = 10;

/// The most mapped components and most assigned roles of a product.
#[derive(Debug, Clone, Default)]
pub(crate) struct Heatmap {
    /// Components mapped to a recognised role: most students of the product
    /// mapping them first, ties by title; at most [`HEAT_ROWS`].
    pub(crate) rows: Vec<HeatRow>,
    /// The roles of those rows with the most students in all, most first,
    /// ties by name; at most [`HEAT_COLS`].
    pub(crate) cols: Vec<String>,
    /// How many components and roles there were before the cut.
    pub(crate) all_rows: usize,
    pub(crate) all_cols: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct HeatRow {
    /// The name of the first mapping of it (the slug of its kind, else its
    /// name, keys it, like the component pages).
    pub(crate) title: String,
    /// Per role, the students who assigned it to this component.
    pub(crate) roles: BTreeMap<String, usize>,
}

impl HeatRow {
    /// The students who assigned `role` to this component.
    pub(crate) fn cell(&self, role: &str) -> usize {
        self.roles.get(role).copied().unwrap_or(0)
    }
}

/// Counts a [`Heatmap`]; a student's submissions are added together.
#[derive(Default)]
pub(super) struct HeatAcc<'a> {
    /// By component key.
    rows: FxMap<&'a str, RowAcc<'a>>,
}

struct RowAcc<'a> {
    title: &'a str,
    students: Distinct,
    roles: FxMap<&'a str, Distinct>,
}

impl<'a> HeatAcc<'a> {
    /// A submission of the product, `keys` its components' keys.
    pub(super) fn add(&mut self, s: &'a Submission, keys: &'a [String], student: Sub) {
        for (c, key) in s.components.iter().zip(keys) {
            let row = self.rows.entry(key).or_insert_with(|| RowAcc {
                title: title(c),
                students: Distinct::default(),
                roles: FxMap::default(),
            });
            row.students.add(student);
            for r in &c.roles {
                for canon in &r.canonical {
                    row.roles.entry(canon).or_default().add(student);
                }
            }
        }
    }

    pub(super) fn finish(self) -> Heatmap {
        let mut rows: Vec<RowAcc> = self.rows.into_values().filter(|r| !r.roles.is_empty()).collect();
        let all_rows = rows.len();
        rows.sort_by(|a, b| b.students.n.cmp(&a.students.n).then_with(|| a.title.cmp(b.title)));
        rows.truncate(HEAT_ROWS);
        let mut totals: FxMap<&str, usize> = FxMap::default();
        for r in &rows {
            for (role, n) in &r.roles {
                *totals.entry(role).or_default() += n.n;
            }
        }
        let mut cols: Vec<(&str, usize)> = totals.into_iter().collect();
        let all_cols = cols.len();
        by_count(&mut cols);
        cols.truncate(HEAT_COLS);
        let cols = cols.into_iter().map(|(role, _)| role.to_string()).collect();
        let rows = rows
            .into_iter()
            .map(|r| HeatRow {
                title: r.title.to_string(),
                roles: r.roles.into_iter().map(|(role, n)| (role.to_string(), n.n)).collect(),
            })
            .collect();
        Heatmap { rows, cols, all_rows, all_cols }
    }
}
