//! Extract stage: outlines of one submission's files -> [`Extracted`], the
//! assignment's fields as the student wrote them (no canonical names yet).
//!
//! Sections are found by what their headings (or bold labels) say, wherever
//! they sit and whatever their level; each field's extractor then reads the
//! section's nodes, whatever list, table or heading layout the student used.

pub(crate) mod assets;
mod components;
mod fields;
pub mod images;
mod infer;
pub(crate) mod leftovers;
mod postings;
mod product;
mod responsibilities;
pub(crate) mod sections;
pub(crate) mod stats;
pub(crate) mod text;
pub(crate) mod vacancies;

use crate::parse::outline::{Kind, Node};
use crate::text::tidy;
pub(crate) use infer::{Recovered, recover_sections};
pub use sections::Section;
use serde::Serialize;
use std::ops::ControlFlow;

/// A name as written plus the full text it came from (for skill matching).
#[derive(Debug, Clone, Default, Serialize)]
pub struct Named {
    pub name: String,
    #[serde(skip)]
    pub text: String,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RawComponent {
    pub name: Named,
    pub roles: Vec<Named>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RawResponsibility {
    pub role: Named,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RawPosting {
    pub url: Option<String>,
    pub title: String,
    pub company: Option<String>,
    /// Text that lists the posting's skills.
    #[serde(skip)]
    pub text: String,
    pub file: String,
    pub line: usize,
}

/// Everything found in one submission, before normalisation.
#[derive(Debug, Clone, Default)]
pub struct Extracted {
    /// The product named in a "Product choice" section, as written.
    pub product_named: Option<String>,
    /// Texts to search for a product name, most telling first.
    pub product_texts: Vec<String>,
    pub components: Vec<RawComponent>,
    pub main_components: Vec<Named>,
    pub responsibilities: Vec<RawResponsibility>,
    pub common_skills: Vec<Named>,
    pub chosen_role: Option<Named>,
    /// "I chose the backend engineer role because ..." in the reflection
    /// (or, where there is neither a role section nor a reflection that
    /// says, in any paragraph of the roles file): the chosen role when no
    /// role line names one.
    pub role_in_reflection: Option<Named>,
    pub skills_have: Vec<Named>,
    pub skills_lack: Vec<Named>,
    pub postings: Vec<RawPosting>,
    pub skills_several: Vec<Named>,
    pub skills_single: Vec<Named>,
    pub reflection: Option<Named>,
    /// Sections present, with where each starts, in the order found.
    pub sections: Vec<SectionAt>,
    /// Template leftovers ("- ...", "<your role>", "IT specialist 1"), where
    /// they sit: at most one a line.
    pub placeholders: Vec<Named>,
    /// The components section is the assignment's template, left unfilled.
    pub template_components: Option<(String, usize)>,
    /// Local images and PlantUML links, in file order; resolved by load.
    pub images: Vec<images::Image>,
}

/// A section found in a submission: where its heading (or label) is, or,
/// when no heading named it, where its content starts and why that content
/// is the section.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SectionAt {
    pub section: Section,
    pub file: String,
    pub line: usize,
    pub by_content: Option<String>,
    /// Its sentences, items and links, for the rubric.
    #[serde(skip)]
    pub stats: stats::SectionStats,
}

/// One parsed file of a submission.
pub(crate) struct FileOutline<'a> {
    pub path: &'a str,
    /// The file's text, for what is read line by line (placeholders).
    pub text: &'a str,
    pub role: FileRole,
    pub root: &'a Node,
    /// The sections [`recover_sections`] gave headings to.
    pub recovered: &'a [Recovered],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FileRole {
    /// roles-and-skills.md or the one loose file.
    Roles,
    Architecture,
    Other,
}

/// A section found in a file: its node and any value after its title's colon.
pub(crate) struct Found<'a> {
    pub section: Section,
    pub node: &'a Node,
    pub inline: Option<String>,
    pub file: &'a str,
}

impl Found<'_> {
    /// The nodes inside the section, minus nested sections of other kinds.
    pub(crate) fn content(&self, all: &[Found<'_>]) -> Vec<&Node> {
        self.node.children.iter().filter(|c| !all.iter().any(|f| std::ptr::eq(f.node, *c))).collect()
    }

    pub(crate) fn named(&self, name: String, text: String, line: usize) -> Named {
        Named { name, text, file: self.file.to_string(), line }
    }
}

/// Extract the assignment's fields from a submission's files.
pub(crate) fn extract(files: &[FileOutline<'_>], counted: stats::Counted) -> Extracted {
    let mut found = Vec::new();
    // Roles file first, then the others, architecture last: a field is taken
    // from the first file that has it.
    let mut ordered: Vec<&FileOutline<'_>> = files.iter().collect();
    ordered.sort_by_key(|f| match f.role {
        FileRole::Roles => 0,
        FileRole::Other => 1,
        FileRole::Architecture => 2,
    });
    for f in &ordered {
        find_sections(f.root, None, f, &mut found);
    }
    let mut out = Extracted {
        images: files.iter().flat_map(|f| images::images_in(f.path, f.text)).take(images::MAX_IMAGES).collect(),
        sections: {
            let starts = stats::starts(&found);
            found.iter().map(|f| section_at(f, &starts, &ordered, counted)).collect()
        },
        placeholders: ordered.iter().flat_map(|f| leftovers::placeholders(f.path, f.text)).collect(),
        template_components: found
            .iter()
            .find(|f| f.section == Section::Components && components::is_template(f, &found))
            .map(|f| (f.file.to_string(), f.node.line)),
        ..Default::default()
    };
    let first_file_with = |s: Section| found.iter().find(|f| f.section == s).map(|f| f.file);
    let of = |s: Section| -> Vec<&Found<'_>> {
        let file = first_file_with(s);
        found.iter().filter(|f| f.section == s && Some(f.file) == file).collect()
    };

    out.components = components_of(&of(Section::Components), &of(Section::Responsibilities), &found, &ordered);
    out.main_components = of(Section::MainComponents).iter().flat_map(|f| fields::flat_names(f, &found)).collect();
    out.responsibilities =
        of(Section::Responsibilities).iter().flat_map(|f| responsibilities::responsibilities(f, &found)).collect();
    out.common_skills = of(Section::CommonSkills).iter().flat_map(|f| fields::counted_items(f, &found)).collect();
    out.chosen_role = fields::chosen_role(&of(Section::RoleName), &of(Section::ChosenRole), &found);
    out.skills_have =
        first_of(&of(Section::SkillsHave), &[]).map(|f| fields::skill_items(f, &found)).unwrap_or_default();
    out.skills_lack = first_of(&of(Section::SkillsLack), &["lack", "missing", "не хватает", "недоста"])
        .map(|f| fields::skill_items(f, &found))
        .unwrap_or_default();
    out.skills_several = of(Section::SkillsSeveral).iter().flat_map(|f| fields::skill_items(f, &found)).collect();
    out.skills_single = of(Section::SkillsSingle).iter().flat_map(|f| fields::skill_items(f, &found)).collect();
    let market: Vec<&Found<'_>> =
        found.iter().filter(|f| matches!(f.section, Section::JobMarket | Section::Posting)).collect();
    out.postings = postings::postings(&market, &found);
    out.reflection = fields::reflection(&of(Section::Reflection), &found);
    out.role_in_reflection = out.reflection.as_ref().and_then(|r| {
        // No line can name a role that way if the whole text cannot.
        if !fields::may_name_a_role(&r.text) {
            return None;
        }
        let role = r.text.lines().find_map(fields::role_in_sentence)?;
        Some(Named { name: role, text: r.text.clone(), file: r.file.clone(), line: r.line })
    });
    // No role section and no reflection that names one: a sentence of the
    // roles file may ("I want to be a backend developer.").
    if out.chosen_role.is_none() && out.role_in_reflection.is_none() {
        out.role_in_reflection = ordered.iter().filter(|f| f.role == FileRole::Roles).find_map(|f| {
            f.root.iter().filter(|n| n.kind == Kind::Paragraph && fields::may_name_a_role(&n.text)).find_map(|n| {
                let role = n.text.lines().find_map(fields::role_in_sentence)?;
                Some(Named { name: role, text: n.text.clone(), file: f.path.to_string(), line: n.line })
            })
        });
    }
    product::fill_product(&mut out, &ordered, &found);
    out
}

/// Components from their section; from "Component" + "Role: duty" lines
/// where that section is the untouched template; from a flat alternating
/// list where the roles file has no such section at all.
fn components_of(
    sections: &[&Found<'_>],
    duties: &[&Found<'_>],
    all: &[Found<'_>],
    files: &[&FileOutline<'_>],
) -> Vec<RawComponent> {
    if sections.iter().any(|f| components::is_template(f, all)) {
        let real: Vec<RawComponent> =
            duties.iter().flat_map(|f| components::from_labelled_paragraphs(f, all)).collect();
        if !real.is_empty() {
            return real;
        }
    }
    if sections.is_empty() {
        return files
            .iter()
            .find(|f| f.role == FileRole::Roles)
            .map(|f| components::from_flat_list(f.root, f.path))
            .unwrap_or_default();
    }
    sections.iter().flat_map(|f| components::components(f, all)).collect()
}

/// Where a section was found; why, when its heading is one
/// [`recover_sections`] gave it.
fn section_at(f: &Found<'_>, starts: &stats::Starts, files: &[&FileOutline<'_>], counted: stats::Counted) -> SectionAt {
    let line = f.node.line;
    let recovered = files.iter().filter(|o| o.path == f.file).flat_map(|o| o.recovered);
    let by_content = recovered.filter(|r| r.section == f.section && r.line == line).map(|r| r.why.clone()).next();
    SectionAt { section: f.section, file: f.file.to_string(), line, by_content, stats: stats::of(f, starts, counted) }
}

/// The one list of skills had (or lacked): later look-alikes ("Skills that
/// I can improve" in a reflection) answer other questions. A title with
/// one of `prefer`'s words wins over an earlier one without.
fn first_of<'f, 'a>(list: &[&'f Found<'a>], prefer: &[&str]) -> Option<&'f Found<'a>> {
    let has = |f: &Found<'_>| {
        let t = crate::text::fold(&f.node.text);
        prefer.iter().any(|p| t.contains(p))
    };
    list.iter().find(|f| has(f)).or(list.first()).copied()
}

/// Record every section heading or label below `node`. A heading of the same
/// kind as the section it sits in is part of that section, not a new one.
pub(crate) fn find_sections<'a>(
    node: &'a Node,
    inside: Option<Section>,
    file: &FileOutline<'a>,
    out: &mut Vec<Found<'a>>,
) {
    let _ = find_sections_until(node, inside, file, out, &mut |_| false);
}

/// [`find_sections`], stopping (with `Break`) once `enough` says the
/// sections found so far answer the caller's question.
pub(crate) fn find_sections_until<'a>(
    node: &'a Node,
    inside: Option<Section>,
    file: &FileOutline<'a>,
    out: &mut Vec<Found<'a>>,
    enough: &mut impl FnMut(&[Found<'a>]) -> bool,
) -> ControlFlow<()> {
    // "**Responsibilities**" under "### QA engineer" is that role's, not
    // the section (whose heading the student may have left out).
    let under_a_role = || node.is_heading() && text::has_role_noun(&node.text);
    for child in &node.children {
        // "**Chosen role: X**" inside "My chosen role" still carries a value.
        let hit = classify_node(child, inside).filter(|(s, inline)| {
            (Some(*s) != inside || inline.is_some())
                && !(inside == Some(Section::JobMarket) && *s == Section::JobMarket)
                && !(*s == Section::Responsibilities && under_a_role())
                && allowed_in(*s, inside, file.role)
                // "**AWS/Cloud Deployment:** +15%" in the roles file is a
                // skill; task 1's later sections there need a real heading.
                && !(heading_only(*s) && file.role == FileRole::Roles && (child.is_label() || !child.is_heading()))
        });
        match hit {
            Some((section, inline)) => {
                out.push(Found { section, node: child, inline, file: file.path });
                if enough(out) {
                    return ControlFlow::Break(());
                }
                find_sections_until(child, Some(section), file, out, enough)?;
            }
            None => find_sections_until(child, inside, file, out, enough)?,
        }
    }
    ControlFlow::Continue(())
}

/// Task 1's later sections ("Deployment", "Assumptions", ...), which the
/// roles file names only with a real heading.
fn heading_only(s: Section) -> bool {
    matches!(s, Section::DataFlow | Section::Deployment | Section::Assumptions | Section::OpenQuestions)
}

/// The architecture's own sections are recognised only at the top of a
/// file, and its component list only in architecture.md: inside the roles
/// sections "Collaboration & product thinking" is a group of skills, and
/// "components analysed previously:" an intro line.
fn allowed_in(section: Section, inside: Option<Section>, role: FileRole) -> bool {
    match section {
        Section::Product => inside.is_none(),
        Section::MainComponents => inside.is_none() && role == FileRole::Architecture,
        // Task 1's later sections, at the top of a file or inside another
        // of task 1's ("Sequence diagram" under "Main components").
        s if s.is_architecture() => inside.is_none_or(Section::is_architecture),
        _ => true,
    }
}

/// Sections are started by headings anywhere, and by bold labels or
/// "Label: value" lines outside the sections whose items are names.
fn classify_node(node: &Node, inside: Option<Section>) -> Option<(Section, Option<String>)> {
    let listy = matches!(
        inside,
        Some(Section::Components | Section::Responsibilities | Section::CommonSkills | Section::MainComponents)
    );
    // Looked at first: most nodes are items of such sections, and their
    // first line then need not be found.
    if !node.is_heading() && (listy || !matches!(node.kind, Kind::Item | Kind::Paragraph)) {
        return None;
    }
    // Byte scans: this runs on every heading, item and paragraph.
    let first_line = crate::text::lines(&node.text).next().unwrap_or("");
    if memchr::memchr(b'?', first_line.as_bytes()).is_some() {
        return None;
    }
    if node.is_heading() {
        return sections::classify(&node.text);
    }
    let (head, rest) = match &node.label {
        Some(label) => {
            let rest = node.text.strip_prefix(label.as_str()).unwrap_or("");
            (label.as_str(), rest)
        }
        None => match memchr::memchr(b':', first_line.as_bytes()).map(|i| &first_line[..i]) {
            Some(head) if crate::text::words_up_to(head, 6) <= 6 => (head, &node.text[head.len()..]),
            _ => return None,
        },
    };
    let (section, inline) = sections::classify(head)?;
    let rest = tidy(rest.trim_start().trim_start_matches([':', '—', '–', '-']));
    // Only the label's section: a role name or a posting title in bold is not a section.
    if matches!(section, Section::Posting) {
        return None;
    }
    let inline = inline.or_else(|| (!rest.is_empty()).then_some(rest));
    Some((section, inline))
}
