//! Normalize stage: free-form names -> canonical taxonomy names.
//!
//! Students write "PosgreSQL", "K8s", "Backned dev", "DevOps / SRE" or
//! "Sharded Chat DB". This module owns the embedded default taxonomy
//! (`taxonomy.yaml`: skills with categories, roles, component kinds, products,
//! each with a canonical name and aliases), merges a user's additions
//! (`TaxonomyConfig`) into it, and compiles it once into alias indexes that
//! answer: which skills does this text mention, which role does this role name
//! denote, which kind is this component, which product does this text name.
//!
//! Matching is token based (see `tokens`): longest alias first, case rules for
//! words that are also English ("Go", "React", "Swift"), stop phrases ("go
//! to", "C-level"), and bounded typo tolerance (see `fuzzy`).
//!
//! Decisions worth knowing:
//! - Extra entries beyond the fixed canonical lists exist (skills such as
//!   "Databases" or "Security", roles such as "Infrastructure Engineer"); an
//!   extra role only shows when no fixed role is named (`is_role` is true for
//!   both kinds).
//! - "Software engineer", "Developer" and "Product engineer" denote no role;
//!   "<stack> developer" ("Golang Developer") denotes the role listing that
//!   stack (Backend Engineer).
//! - GitHub is a skill, not a product; a company named in a job posting is
//!   counted like any mention, so pass `product_in` the architecture text.
//! - Component names get no typo matching ("server" is not "servers").

mod fuzzy;
mod kinds;
mod matcher;
mod roles;
mod tokens;

use crate::config::{EntryConfig, TaxonomyConfig};
use crate::text::memo;
use std::cell::RefCell;
use std::collections::HashMap;

use matcher::{AliasSpec, Matcher};

const BUILTIN_YAML: &str = include_str!("taxonomy.yaml");

/// A taxonomy compiled for matching; build it once and share it.
#[derive(Debug)]
pub struct Taxonomy {
    /// Identifies this taxonomy's answers in the per-thread memo.
    memo_owner: u64,
    skills: Section,
    roles: Section,
    components: Section,
    products: Section,
}

/// What a role name denotes: canonical role(s), plus seniority and stack facets.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct RoleMatch {
    pub canonical: Vec<String>,
    pub level: Option<String>,
    pub stack: Vec<String>,
}

/// `taxonomy.yaml` as written.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawTaxonomy {
    skills: Vec<RawEntry>,
    roles: Vec<RawEntry>,
    components: Vec<RawEntry>,
    products: Vec<RawEntry>,
    stop: RawStops,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawStops {
    skills: Vec<String>,
    roles: Vec<String>,
    components: Vec<String>,
    products: Vec<String>,
}

/// One builtin entry. Besides `EntryConfig`'s fields: `strict` aliases are
/// case-sensitive, `weak` ones only count when nothing stronger matches,
/// `fuzzy: false` turns typo matching off (for English words), `extra` marks
/// a role outside the fixed list (it yields to any fixed role in the same
/// name), and `stack` lists skills whose "X developer" denotes this role.
#[derive(Debug, Clone, serde::Deserialize)]
#[serde(default, deny_unknown_fields)]
struct RawEntry {
    name: String,
    category: Option<String>,
    aliases: Vec<String>,
    strict: Vec<String>,
    weak: Vec<String>,
    fuzzy: bool,
    extra: bool,
    stack: Vec<String>,
    /// Aliases added by a config: they win over builtin ones.
    #[serde(skip)]
    user_aliases: Vec<String>,
}

impl Default for RawEntry {
    fn default() -> Self {
        RawEntry {
            name: String::new(),
            category: None,
            aliases: Vec::new(),
            strict: Vec::new(),
            weak: Vec::new(),
            fuzzy: true,
            extra: false,
            stack: Vec::new(),
            user_aliases: Vec::new(),
        }
    }
}

/// A compiled entry.
#[derive(Debug, Clone)]
struct Entry {
    name: String,
    category: Option<String>,
    extra: bool,
    stack: Vec<String>,
}

/// One compiled list (skills, roles, ...) with its matcher.
#[derive(Debug, Default)]
struct Section {
    entries: Vec<Entry>,
    by_name: HashMap<String, usize>,
    matcher: Matcher,
}

impl Section {
    fn compile(raw: &[RawEntry], stops: &[String], typos: bool) -> Section {
        let mut specs = Vec::new();
        let mut entries = Vec::new();
        let mut by_name = HashMap::new();
        for (idx, e) in raw.iter().enumerate() {
            let spec = |text: &str, strict: bool, weak: bool, priority: u8| AliasSpec {
                text: text.to_owned(),
                target: Some(idx),
                strict,
                weak,
                fuzzy: typos && e.fuzzy,
                priority,
            };
            // The canonical name is an alias too, unless it is a strict one.
            let name_tokens = tokens::phrase(&e.name);
            if !e.strict.iter().any(|s| tokens::phrase(s) == name_tokens) {
                specs.push(spec(&e.name, false, false, 1));
            }
            specs.extend(e.aliases.iter().map(|a| spec(a, false, false, 1)));
            specs.extend(e.strict.iter().map(|a| spec(a, true, false, 1)));
            specs.extend(e.weak.iter().map(|a| spec(a, false, true, 1)));
            specs.extend(e.user_aliases.iter().map(|a| spec(a, false, false, 2)));
            by_name.insert(key(&e.name), idx);
            entries.push(Entry {
                name: e.name.clone(),
                category: e.category.clone(),
                extra: e.extra,
                stack: e.stack.clone(),
            });
        }
        specs.extend(stops.iter().map(|s| AliasSpec {
            text: s.clone(),
            target: None,
            strict: false,
            weak: false,
            fuzzy: false,
            priority: 0,
        }));
        Section { entries, by_name, matcher: Matcher::new(&specs) }
    }

    fn name(&self, idx: usize) -> &str {
        &self.entries[idx].name
    }

    fn get(&self, canonical: &str) -> Option<&Entry> {
        self.by_name.get(&key(canonical)).map(|&i| &self.entries[i])
    }
}

/// Lookup key for canonical names: lowercase, trimmed.
fn key(name: &str) -> String {
    name.trim().to_lowercase()
}

impl Taxonomy {
    /// The embedded default taxonomy.
    ///
    /// # Panics
    /// Only if the embedded YAML is broken (a unit test guards it).
    pub fn builtin() -> Taxonomy {
        let raw = parse_builtin().expect("embedded taxonomy.yaml is valid");
        Taxonomy::compile(&raw)
    }

    /// The builtin taxonomy with `cfg`'s additions and overrides.
    pub fn with_config(cfg: &TaxonomyConfig) -> Result<Taxonomy, String> {
        let mut raw = parse_builtin()?;
        merge(&mut raw.skills, &cfg.skills, "skills")?;
        merge(&mut raw.roles, &cfg.roles, "roles")?;
        merge(&mut raw.components, &cfg.components, "components")?;
        merge(&mut raw.products, &cfg.products, "products")?;
        Ok(Taxonomy::compile(&raw))
    }

    fn compile(raw: &RawTaxonomy) -> Taxonomy {
        Taxonomy {
            memo_owner: memo::next_owner(),
            skills: Section::compile(&raw.skills, &raw.stop.skills, true),
            roles: Section::compile(&raw.roles, &raw.stop.roles, true),
            // Component names are short phrases of ordinary words ("server"
            // is not a typo of "servers"): no typo matching there.
            components: Section::compile(&raw.components, &raw.stop.components, false),
            products: Section::compile(&raw.products, &raw.stop.products, true),
        }
    }

    /// Every canonical skill `text` mentions, in order of first mention.
    pub fn skills_in(&self, text: &str) -> Vec<String> {
        thread_local!(static MEMO: RefCell<memo::Table<Vec<String>>> = RefCell::new(memo::Table::new()));
        memo::cached(&MEMO, self.memo_owner, text, || {
            let toks = tokens::tokenize(text);
            let hits = self.skills.matcher.scan(&toks, false);
            dedup_names(&self.skills, hits.iter().map(|h| h.target))
        })
    }

    /// The canonical role(s) a role name denotes; `None` when it names none.
    pub fn role(&self, text: &str) -> Option<RoleMatch> {
        thread_local!(static MEMO: RefCell<memo::Table<Option<RoleMatch>>> = RefCell::new(memo::Table::new()));
        memo::cached(&MEMO, self.memo_owner, text, || roles::role(self, text))
    }

    /// [`Taxonomy::role`]'s canonical role(s) alone.
    pub fn role_names(&self, text: &str) -> Vec<String> {
        thread_local!(static MEMO: RefCell<memo::Table<Vec<String>>> = RefCell::new(memo::Table::new()));
        memo::cached(&MEMO, self.memo_owner, text, || self.role(text).map(|m| m.canonical).unwrap_or_default())
    }

    /// The canonical component kind of a component's display name.
    pub fn component_kind(&self, text: &str) -> Option<String> {
        thread_local!(static MEMO: RefCell<memo::Table<Option<String>>> = RefCell::new(memo::Table::new()));
        memo::cached(&MEMO, self.memo_owner, text, || kinds::component_kind(&self.components, text))
    }

    /// The product `text` names (the most mentioned; ties go to the first).
    pub fn product_in(&self, text: &str) -> Option<String> {
        thread_local!(static MEMO: RefCell<memo::Table<Option<String>>> = RefCell::new(memo::Table::new()));
        memo::cached(&MEMO, self.memo_owner, text, || kinds::product_in(&self.products, text))
    }

    /// The category of a canonical skill ("language", "database", ...).
    pub fn skill_category(&self, canonical: &str) -> Option<&str> {
        self.skills.get(canonical)?.category.as_deref()
    }

    pub fn is_skill(&self, canonical: &str) -> bool {
        self.skills.get(canonical).is_some()
    }

    pub fn is_role(&self, canonical: &str) -> bool {
        self.roles.get(canonical).is_some()
    }

    /// Canonical skill names, sorted.
    pub fn skills(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self.skills.entries.iter().map(|e| e.name.as_str()).collect();
        names.sort_unstable();
        names.into_iter()
    }
}

fn parse_builtin() -> Result<RawTaxonomy, String> {
    serde_yaml::from_str(BUILTIN_YAML).map_err(|e| format!("embedded taxonomy.yaml: {e}"))
}

/// Canonical names of `targets`, first mention first, without repeats.
fn dedup_names(section: &Section, targets: impl Iterator<Item = usize>) -> Vec<String> {
    let mut seen = Vec::new();
    for t in targets {
        if !seen.contains(&t) {
            seen.push(t);
        }
    }
    seen.into_iter().map(|t| section.name(t).to_owned()).collect()
}

/// Applies config entries to one builtin list.
fn merge(raw: &mut Vec<RawEntry>, cfg: &[EntryConfig], list: &str) -> Result<(), String> {
    for c in cfg {
        let name = c.name.trim();
        if name.is_empty() {
            return Err(format!("taxonomy {list}: an entry has an empty name"));
        }
        if let Some(a) = c.aliases.iter().find(|a| tokens::phrase(a).is_empty()) {
            return Err(format!("taxonomy {list}: {name:?} has an alias with no letters: {a:?}"));
        }
        let idx = match raw.iter().position(|e| key(&e.name) == key(name)) {
            Some(idx) => idx,
            None => {
                // A config's own names win over builtin aliases too.
                raw.push(RawEntry {
                    name: name.to_owned(),
                    user_aliases: vec![name.to_owned()],
                    ..RawEntry::default()
                });
                raw.len() - 1
            }
        };
        if let Some(new) = &c.rename {
            let new = new.trim();
            if new.is_empty() {
                return Err(format!("taxonomy {list}: {name:?} is renamed to an empty name"));
            }
            if raw.iter().enumerate().any(|(i, e)| i != idx && key(&e.name) == key(new)) {
                return Err(format!("taxonomy {list}: cannot rename {name:?} to {new:?}: it exists"));
            }
            // The old spelling keeps matching.
            let old = std::mem::replace(&mut raw[idx].name, new.to_owned());
            if !raw[idx].strict.contains(&old) {
                raw[idx].user_aliases.push(old);
            }
        }
        let entry = &mut raw[idx];
        entry.user_aliases.extend(c.aliases.iter().cloned());
        if c.category.is_some() {
            entry.category.clone_from(&c.category);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
