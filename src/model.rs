//! Normalise stage: [`Extracted`] fields + taxonomy -> [`Submission`], the
//! typed record every later stage reads and `atlas.json` exports.

use crate::diagnostics::{Finding, Severity};
pub use crate::extract::images::{Image, ImageKind};
use crate::extract::text::{is_placeholder, split_inline};
use crate::extract::{Extracted, Named, Section, SectionAt};
use crate::normalize::Taxonomy;
use crate::text::{fold, word_count};
use aho_corasick::AhoCorasick;
use serde::Serialize;
use std::borrow::Cow;
use std::sync::LazyLock;

#[derive(Debug, Clone, Serialize)]
pub struct Submission {
    /// Output slug, unique in the cohort.
    pub id: String,
    /// Path relative to the content dir: the fork folder or the loose file.
    pub source: String,
    pub author: String,
    pub files: Vec<String>,
    pub product: Option<String>,
    pub components: Vec<Component>,
    pub responsibilities: Vec<Responsibility>,
    pub common_skills: Vec<SkillItem>,
    pub chosen_role: Option<ChosenRole>,
    pub skills_have: Vec<SkillItem>,
    pub skills_lack: Vec<SkillItem>,
    pub postings: Vec<Posting>,
    pub skills_in_several_postings: Vec<SkillItem>,
    pub skills_in_one_posting: Vec<SkillItem>,
    pub reflection: Reflection,
    /// Local images embedded and PlantUML sources linked, in file order,
    /// each resolved (or not) to a file of the fork.
    pub images: Vec<Image>,
    /// The file the answer is in (the roles file), as in `files`; the
    /// submission's source when no file is.
    #[serde(skip)]
    pub main_file: String,
    /// The sections extract found, where and (when no heading named one)
    /// why: what the review reads, instead of the Markdown again.
    #[serde(skip)]
    pub sections: Vec<SectionAt>,
    /// What reading, extracting and normalising found; the review adds its
    /// own and publishes the list (`review.findings`).
    #[serde(skip)]
    pub findings: Vec<Finding>,
    /// The student's Markdown, per file, for the submission page.
    #[serde(skip)]
    pub sources: Vec<(String, String)>,
    /// architecture.md's "Main components", by name (kept even where the
    /// roles file's mapping gives `components`): what the rubric looks for
    /// in the data flow.
    #[serde(skip)]
    pub main_components: Vec<String>,
    /// Every file in the fork (not only Markdown), relative to the fork,
    /// sorted; the loose file's name for a loose file. What the rubric's
    /// `file` checks look in.
    #[serde(skip)]
    pub tree: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Component {
    pub name: String,
    /// Canonical component kind, when the taxonomy knows it.
    pub kind: Option<String>,
    pub roles: Vec<RoleRef>,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleRef {
    pub name: String,
    pub canonical: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Responsibility {
    pub name: String,
    pub canonical: Vec<String>,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkillItem {
    pub name: String,
    pub skills: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ChosenRole {
    pub name: String,
    pub canonical: Option<String>,
    pub level: Option<String>,
    pub stack: Vec<String>,
    pub file: String,
    pub line: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Posting {
    pub url: Option<String>,
    pub title: String,
    pub company: Option<String>,
    pub skills: Vec<String>,
    /// Where it starts, for the rubric's findings.
    #[serde(skip)]
    pub file: String,
    #[serde(skip)]
    pub line: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Reflection {
    pub written: bool,
    pub text: String,
    /// Non-empty lines of the student's own (not prompts or placeholders),
    /// and the sentences in them: what the rubric scores.
    #[serde(skip)]
    pub(crate) own_lines: usize,
    #[serde(skip)]
    pub(crate) own_sentences: usize,
}

pub struct Identity {
    pub id: String,
    pub source: String,
    pub author: String,
    pub main_file: String,
}

/// Map names to canonical skills, roles, components and the product.
pub fn normalize(ident: Identity, ex: Extracted, tax: &Taxonomy, sources: Vec<(String, String)>) -> Submission {
    // What reads `ex` as a whole first; then its names move, not copied.
    let mut diags = Vec::new();
    let chosen_role = chosen_role_of(&ex, tax, &mut diags);
    let product = product_of(&ex, tax);
    diags.extend(ex.sections.iter().filter_map(|at| {
        let (title, why) = (at.section.title(), at.by_content.as_ref()?);
        Some(Finding::new(
            "found-by-content",
            &at.file,
            at.line,
            Severity::Info,
            format!("found \"{title}\" by content ({why}): a heading \"## {title}\" here makes it certain"),
        ))
    }));
    diags.extend(empty_list_diagnostics(&ex, &ident.main_file));
    diags.extend(crate::extract::vacancies::suspicious(&ex.postings));
    diags.extend(ex.images.iter().filter_map(|img| {
        let (code, message) = img.problem.as_ref()?;
        Some(Finding::new(code, &img.file, img.line, Severity::Warning, message.clone()))
    }));
    diags.extend(leftover_diagnostics(&ex));

    let skill_items = |items: Vec<Named>| -> Vec<SkillItem> {
        items.into_iter().map(|n| SkillItem { skills: item_skills(&n.name, &n.text, tax), name: n.name }).collect()
    };
    let role_ref = |n: Named| RoleRef { canonical: tax.role_names(&n.name), name: n.name };
    let main_components: Vec<String> = ex.main_components.iter().map(|n| n.name.clone()).collect();
    let components: Vec<Component> = if ex.components.is_empty() {
        // No mapping section: architecture.md's component list, without roles.
        ex.main_components
            .into_iter()
            .map(|n| Component { kind: tax.component_kind(&n.name), name: n.name, roles: vec![], line: n.line })
            .collect()
    } else {
        ex.components
            .into_iter()
            .map(|c| Component {
                kind: tax.component_kind(&c.name.name),
                name: c.name.name,
                roles: c.roles.into_iter().map(role_ref).collect(),
                line: c.name.line,
            })
            .collect()
    };
    let responsibilities = ex
        .responsibilities
        .into_iter()
        .map(|r| Responsibility { canonical: tax.role_names(&r.role.name), name: r.role.name, items: r.items })
        .collect();
    let postings = ex
        .postings
        .into_iter()
        .map(|p| {
            let (title, company) = match p.company {
                Some(c) => (p.title, Some(c)),
                None => company_in_parens(&p.title, tax).unwrap_or((p.title, None)),
            };
            Posting {
                skills: tax.skills_in(&format!("{title}\n{}", p.text)),
                url: p.url,
                title,
                company,
                file: p.file,
                line: p.line,
            }
        })
        .collect();
    let reflection = match ex.reflection {
        Some(r) => {
            let (mut words, mut own_lines, mut own_sentences) = (0, 0, 0);
            for line in own_lines_of(&r.text).filter(|l| !l.trim().is_empty()) {
                // Ten words make it written: no need to count past them.
                if words < 10 {
                    words += word_count(line);
                }
                own_lines += 1;
                own_sentences += crate::extract::stats::sentence_count(line);
            }
            let written = words >= 10;
            if !written {
                diags.push(Finding::new(
                    "reflection-prompts",
                    &r.file,
                    r.line,
                    Severity::Warning,
                    "the reflection holds only the assignment's prompts or placeholders: answer them in your own words",
                ));
            }
            // Kept for the whole build: without the slack it was built with.
            let mut text = r.text;
            text.shrink_to_fit();
            Reflection { written, text, own_lines, own_sentences }
        }
        None => Reflection::default(),
    };
    diags.sort();
    diags.dedup();
    Submission {
        id: ident.id,
        source: ident.source,
        author: ident.author,
        files: sources.iter().map(|(p, _)| p.clone()).collect(),
        product,
        components,
        responsibilities,
        common_skills: skill_items(ex.common_skills),
        chosen_role,
        skills_have: skill_items(ex.skills_have),
        skills_lack: skill_items(ex.skills_lack),
        postings,
        skills_in_several_postings: skill_items(ex.skills_several),
        skills_in_one_posting: skill_items(ex.skills_single),
        reflection,
        images: ex.images,
        main_file: ident.main_file,
        sections: ex.sections,
        findings: diags,
        sources,
        main_components,
        tree: Vec::new(),
    }
}

fn empty_list_diagnostics(ex: &Extracted, main_file: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let checks: [(Section, bool); 4] = [
        (Section::SkillsHave, ex.skills_have.is_empty()),
        (Section::SkillsLack, ex.skills_lack.is_empty()),
        (Section::CommonSkills, ex.common_skills.is_empty()),
        (Section::JobMarket, ex.postings.is_empty()),
    ];
    for (section, empty) in checks {
        if !empty {
            continue;
        }
        if let Some(at) = ex.sections.iter().find(|at| at.section == section) {
            out.push(Finding::new(
                "empty-list",
                &at.file,
                at.line,
                Severity::Warning,
                format!("\"{}\" has no items: list them as bullets", section.title()),
            ));
        } else if matches!(section, Section::SkillsHave | Section::SkillsLack) && ex.chosen_role.is_some() {
            out.push(Finding::new(
                "empty-list",
                main_file,
                0,
                Severity::Warning,
                format!("no \"{}\" list found under your chosen role", section.title()),
            ));
        }
    }
    out
}

/// The chosen role and how the taxonomy reads it. A role line that is no
/// role ("**Alex**") gives way to the role the reflection says was chosen;
/// the diagnostic still names the line.
fn chosen_role_of(ex: &Extracted, tax: &Taxonomy, diags: &mut Vec<Finding>) -> Option<ChosenRole> {
    let from_reflection = ex.role_in_reflection.as_ref().filter(|r| tax.role(&r.name).is_some());
    let picked = match ex.chosen_role.as_ref() {
        Some(n) if tax.role(&n.name).is_none() && from_reflection.is_some() => {
            diags.push(not_a_role(n));
            from_reflection
        }
        Some(n) => Some(n),
        None => from_reflection,
    };
    picked.and_then(|n| {
        let m = tax.role(&n.name);
        if m.is_none() {
            diags.push(not_a_role(n));
            // A name, a handle or a stray word is no role to show.
            if looks_like_person(&n.name) || is_stray_word(&n.name) {
                return None;
            }
        }
        Some(ChosenRole {
            name: n.name.clone(),
            canonical: m.as_ref().and_then(|m| m.canonical.first().cloned()),
            level: m.as_ref().and_then(|m| m.level.clone()),
            stack: m.map(|m| m.stack).unwrap_or_default(),
            file: n.file.clone(),
            line: n.line,
        })
    })
}

/// "it", "this", "none", "x": a word that names nothing.
fn is_stray_word(s: &str) -> bool {
    const STRAY: &[&str] = &["it", "this", "that", "one", "none", "role", "yes", "no", "tbd", "это", "она", "он"];
    let f = fold(s);
    f.chars().count() <= 2 || STRAY.contains(&f.as_str())
}

fn not_a_role(n: &Named) -> Finding {
    let what =
        if looks_like_person(&n.name) { "looks like a name or a handle, not a role" } else { "is not a known role" };
    Finding::new(
        "not-a-role",
        &n.file,
        n.line,
        Severity::Warning,
        format!("chosen role \"{}\" {what}: write an engineering role such as \"Backend Engineer\"", n.name),
    )
}

/// "@octocat", "jdoe-42", "Alex", "Maria Ivanova": one or two capitalised
/// words with no job word, or a handle.
fn looks_like_person(s: &str) -> bool {
    let t = s.trim();
    let words: Vec<&str> = t.split_whitespace().collect();
    let handle = t.starts_with('@')
        || (words.len() == 1 && t.chars().any(|c| c.is_ascii_digit()) && t.chars().any(char::is_alphabetic));
    let name = (1..=2).contains(&words.len())
        && words
            .iter()
            .all(|w| w.chars().next().is_some_and(char::is_uppercase) && w.chars().skip(1).all(char::is_lowercase))
        && !crate::extract::text::has_role_noun(t);
    handle || name
}

/// Template text the student left in: placeholders and an unfilled
/// components section.
fn leftover_diagnostics(ex: &Extracted) -> Vec<Finding> {
    let mut out: Vec<Finding> = ex
        .placeholders
        .iter()
        .map(|p| {
            let shown: String = p.name.chars().take(40).collect();
            Finding::new(
                "placeholder",
                &p.file,
                p.line,
                Severity::Warning,
                format!("template placeholder \"{shown}\" left: replace it with your answer"),
            )
        })
        .collect();
    if let Some((file, line)) = &ex.template_components {
        out.push(Finding::new(
            "template-components",
            file,
            *line,
            Severity::Warning,
            "\"Components and roles\" still holds the template's example list: map your own product's components",
        ));
    }
    out
}

/// The skills an item names: those of its head ("Docker" in "Docker –
/// containerized a Python web app"), and those of its explanation where it
/// lists them ("Docker: Compose, Swarm, Podman"), or where the head names
/// no skill or only a field ("Container security: securing Docker and
/// Kubernetes"). Never what it is compared with ("an alternative to
/// Terraform").
fn item_skills(name: &str, text: &str, tax: &Taxonomy) -> Vec<String> {
    // Practices, not tools: the explanation says which tools.
    const FIELDS: [&str; 4] = ["practice", "security", "soft skill", "cloud"];
    let text = without_contrasts(text);
    let rest = text.strip_prefix(name).map(str::trim).filter(|r| !r.is_empty());
    let (Some(rest), mut skills) = (rest, tax.skills_in(&without_contrasts(name))) else {
        return tax.skills_in(&text);
    };
    let fields_only = skills.iter().all(|s| tax.skill_category(s).is_some_and(|c| FIELDS.contains(&c)));
    if fields_only {
        return tax.skills_in(&text);
    }
    let parts = split_inline(rest);
    if parts.len() >= 2 {
        for part in parts.iter().filter(|p| word_count(p) <= 4) {
            for s in tax.skills_in(part) {
                if !skills.contains(&s) {
                    skills.push(s);
                }
            }
        }
    }
    skills
}

/// What follows these words in a text is not what the text is about: it is
/// what it is compared with ("an alternative to Terraform", `CONTRAST`) or
/// an example given in passing ("fast, like Telegram", `PASSING`).
static CONTRAST: LazyLock<AhoCorasick> = LazyLock::new(|| {
    phrases(&["alternative to ", "instead of ", "rather than ", "unlike ", "вместо ", "альтернатива "])
});
static PASSING: LazyLock<AhoCorasick> = LazyLock::new(|| {
    phrases(&["like ", "such as ", "similar to ", "e.g. ", "for example ", "unlike ", "например ", "как у "])
});

fn phrases(words: &[&str]) -> AhoCorasick {
    AhoCorasick::builder().ascii_case_insensitive(true).build(words).expect("fixed phrases compile")
}

/// The text without what it compares itself to.
fn without_contrasts(text: &str) -> Cow<'_, str> {
    without_phrases(text, &CONTRAST)
}

/// The text without each phrase and what follows it up to the next
/// punctuation ("like Facebook," goes, the comma stays). One pass, and no
/// copy where no phrase occurs (most texts).
fn without_phrases<'t>(text: &'t str, phrases: &AhoCorasick) -> Cow<'t, str> {
    let mut hits = phrases.find_iter(text).peekable();
    if hits.peek().is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = 0;
    for hit in hits {
        if hit.start() < rest {
            continue;
        }
        out.push_str(&text[rest..hit.start()]);
        rest = text[hit.end()..].find([',', '.', ';', ')', '\n']).map_or(text.len(), |i| hit.end() + i);
    }
    out.push_str(&text[rest..]);
    Cow::Owned(out)
}

/// "Python developer (Acme Group)", "Python developer, Acme": the title and
/// the company, where the parentheses (or the last part) hold a name, not a
/// level, a skill, a role or a translation.
fn company_in_parens(title: &str, tax: &Taxonomy) -> Option<(String, Option<String>)> {
    // "Python developer (Acme)" or "Python developer, Acme".
    let (head, inner) = match title.strip_suffix(')') {
        Some(t) => t.rsplit_once(" (")?,
        None => title.rsplit_once(", ")?,
    };
    let inner = inner.trim();
    const NOT_NAMES: &[&str] = &[
        "junior",
        "middle",
        "senior",
        "lead",
        "intern",
        "trainee",
        "стажер",
        "стажёр",
        "мидл",
        "джун",
        "remote",
        "удаленно",
        "удалённо",
        "hybrid",
        "office",
        "example",
        "platform",
        "infrastructure",
        "monitoring",
        "focus",
        "team",
        "backend",
        "frontend",
        "mobile",
        "web",
        "data",
        "security",
    ];
    let folded = fold(inner);
    let proper = inner.split_whitespace().all(|w| w.starts_with(|c: char| c.is_uppercase() || c.is_ascii_digit()));
    let script = |s: &str| s.chars().find(|c| c.is_alphabetic()).map(|c| c.is_ascii());
    // "Security engineer (Инженер безопасности)" says the title again.
    let translation = script(head) != script(inner) && crate::extract::text::has_role_noun(inner);
    let named = proper
        && !translation
        && (1..=4).contains(&word_count(inner))
        && !inner.contains([',', '/', '+', '&'])
        && !folded.split_whitespace().any(|w| NOT_NAMES.contains(&w))
        && !crate::extract::text::has_role_noun(inner)
        && tax.skills_in(inner).is_empty();
    named.then(|| (head.trim().to_string(), Some(inner.to_string())))
}

/// The product: a "Product choice" value the taxonomy knows, else the first
/// text (architecture.md, then the roles file) that names a known product,
/// else an unknown name written in the product section.
/// A product named in passing ("fast, like Telegram") gives way to one
/// named outright anywhere, and to a name written in the product section;
/// a role, a skill or a component written there is no product.
fn product_of(ex: &Extracted, tax: &Taxonomy) -> Option<String> {
    let named = |p: &String| {
        word_count(p) <= 3
            && !is_placeholder(p)
            && tax.role(p).is_none()
            && !crate::extract::text::has_role_noun(p)
            && tax.skills_in(p).is_empty()
            && tax.component_kind(p).is_none()
    };
    ex.product_texts
        .iter()
        .find_map(|t| tax.product_in(&without_phrases(t, &PASSING)))
        .or_else(|| ex.product_named.clone().filter(named))
        .or_else(|| ex.product_texts.iter().find_map(|t| tax.product_in(t)))
}

/// True when the reflection has sentences of the student's own, not only the
/// assignment's questions, instructions or placeholders.
pub fn is_own_writing(text: &str) -> bool {
    own_lines_of(text)
        .map(word_count)
        .scan(0, |n, w| {
            *n += w;
            Some(*n)
        })
        .any(|n| n >= 10)
}

/// The lines of a reflection that are not the assignment's questions,
/// instructions or placeholders.
fn own_lines_of(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter(|line| !is_prompt_line(line))
}

fn is_prompt_line(line: &str) -> bool {
    // Folding is the cost, and most lines hold none of the prompts' words
    // (folding ASCII only lowercases and spaces it): those skip it. One
    // word per phrase, the rarest, is enough to rule a phrase out.
    static KEYS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["prompt", "instruction", "section", "your", "write", "answer", "llm", "think", "docs", "important"])
            .expect("fixed patterns build")
    });
    if line.is_ascii() && !KEYS.is_match(line) {
        return line.contains('?') || is_placeholder(line);
    }
    let f = fold(line);
    line.contains('?')
        || is_placeholder(line)
        || f == "important"
        || [
            "prompt",
            "instruction",
            "this section",
            "your own",
            "write here",
            "answer the",
            "without an llm",
            "write 5",
            "sentences yourself",
            "think about",
            "in docs ",
            "напишите",
            "ответьте",
        ]
        .iter()
        .any(|p| f.contains(p))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_item_names_its_skills_in_its_head() {
        let tax = Taxonomy::builtin();
        let skills = |name: &str, text: &str| item_skills(name, text, &tax);
        assert_eq!(skills("Docker", "Docker – containerized a Python web app once"), ["Docker"]);
        assert!(skills("Networking", "Networking: understand HTTP, DNS, ports").contains(&"HTTP".to_string()));
        assert!(skills("Pulumi", "Pulumi, a lighter alternative to Terraform").is_empty());
        assert_eq!(skills("Infrastructure as code", "Infrastructure as code: Terraform modules"), ["Terraform"]);
        assert!(skills("Caching", "Caching: Redis").contains(&"Redis".to_string()));
    }

    #[test]
    fn names_and_handles_are_not_roles() {
        assert!(looks_like_person("Alex"));
        assert!(looks_like_person("@octo-cat"));
        assert!(looks_like_person("jdoe42"));
        assert!(!looks_like_person("gamedev"));
        assert!(!looks_like_person("Game Designer"));
    }

    #[test]
    fn prompts_are_not_a_reflection() {
        let prompts = "(Note: this section is for your own reflection. Here are the prompts:)\n\
            Which role did I choose and why? (Think about it.)\n\
            How does my skillset compare to the market demands?";
        assert!(!is_own_writing(prompts));
        let pasted = "Important\nWrite this section without an LLM. It is a chance to think things over.\n\
            In docs/notes.md, in the reflection section write 5-10 sentences on these questions:";
        assert!(!is_own_writing(pasted));
        assert!(is_own_writing("Building a complex system requires not only coding skills but also infrastructure."));
    }
}
