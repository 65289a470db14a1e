//! Filters that write the lists pages repeat for every student, skill,
//! role, component or posting, as the templates wrote them in tera loops:
//! `student_links`, `skill_list`, `tag_links`, `component_entries`,
//! `posting_items`. A skill page lists every student who has the skill, and
//! each tera lookup in a loop costs hundreds of instructions: the loops were
//! an eighth of a build's instructions, the filters a small part of that.

use super::escape::{escape_into, push_slug};
use std::borrow::Cow;
use std::collections::HashMap;
use tera::{Error, Value};

type Args = HashMap<String, Value>;

/// A filter over a list, given `root=root`, writing HTML that is escaped
/// already: its name and what it writes for the list.
#[derive(Clone, Copy)]
pub(super) struct ListFilter(pub(super) &'static str, fn(&mut String, &str, &[Value], &Args));

/// Every list filter, for `Tera::register_filter`.
pub(super) const FILTERS: [ListFilter; 5] = [
    ListFilter("student_links", student_links),
    ListFilter("skill_list", skill_list),
    ListFilter("tag_links", tag_links),
    ListFilter("component_entries", component_entries),
    ListFilter("posting_items", posting_items),
];

impl tera::Filter for ListFilter {
    fn filter(&self, list: &Value, args: &Args) -> tera::Result<Value> {
        let list =
            list.as_array().ok_or_else(|| Error::msg(format!("filter `{}` takes a list, not {list}", self.0)))?;
        // `{{ root }}` would be escaped.
        let mut root = String::new();
        escape_into(&mut root, &args.get("root").map(text).unwrap_or_default());
        let mut out = String::new();
        (self.1)(&mut out, &root, list, args);
        Ok(Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `list | student_links(root=root)`: each student's (or submission's)
/// `<a href="{root}submissions/{id}/index.html">{author}</a>`, and their
/// other submissions (`also`) as `#2`, `#3` after it, comma-separated.
fn student_links(out: &mut String, root: &str, list: &[Value], _: &Args) {
    for (i, s) in list.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        link(out, root, field(s, "id"), |out| escape_into(out, &field(s, "author")));
        let also = s.get("also").and_then(Value::as_array).filter(|a| !a.is_empty());
        if let Some(also) = also {
            out.push_str(" (also ");
            for (n, id) in also.iter().enumerate() {
                if n > 0 {
                    out.push_str(", ");
                }
                link(out, root, text(id), |out| {
                    out.push('#');
                    out.push_str(&(n + 2).to_string());
                });
            }
            out.push(')');
        }
    }
}

/// `items | skill_list(root=root)`: `<ul class="items">`, an item's name
/// and a tag linking each of its canonical skills.
fn skill_list(out: &mut String, root: &str, items: &[Value], _: &Args) {
    out.push_str("<ul class=\"items\">");
    for item in items {
        out.push_str("<li>");
        escape_into(out, &field(item, "name"));
        tags(out, root, "skills", list(item, "skills"));
        out.push_str("</li>");
    }
    out.push_str("</ul>");
}

/// `names | tag_links(root=root, folder="skills")`: for each name,
/// ` <a class="tag" href="{root}{folder}/{slug}/index.html">{name}</a>`
/// (`folder`: `skills` or `roles`).
fn tag_links(out: &mut String, root: &str, names: &[Value], args: &Args) {
    let folder = args.get("folder").and_then(Value::as_str).unwrap_or("skills");
    if folder.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        tags(out, root, folder, names);
    } else {
        let mut escaped = String::new();
        escape_into(&mut escaped, folder);
        tags(out, root, &escaped, names);
    }
}

/// `components | component_entries(root=root)`: for each component of a
/// submission, `<dt>` its name linking its page (by its canonical kind, else
/// its name) and `<dd>` its roles, each with tags to the canonical roles,
/// `; `-separated; each pair between newlines, for a `<dl>`.
fn component_entries(out: &mut String, root: &str, components: &[Value], _: &Args) {
    for c in components {
        let name = field(c, "name");
        let page = c.get("kind").filter(|k| truthy(k)).map_or_else(|| name.clone(), text);
        page_link(out, "\n<dt><a href=\"", root, "components", &page, &name);
        out.push_str("</dt>\n<dd>");
        for (i, r) in list(c, "roles").iter().enumerate() {
            if i > 0 {
                out.push_str("; ");
            }
            escape_into(out, &field(r, "name"));
            tags(out, root, "roles", list(r, "canonical"));
        }
        out.push_str("</dd>\n");
    }
}

/// `postings | posting_items(root=root)`: for each posting, `<li>` its
/// title (or "Posting") and company, on the next line a link to it when its
/// `url` is an http(s) address, on the next its skills' tags, `</li>`.
fn posting_items(out: &mut String, root: &str, postings: &[Value], _: &Args) {
    for p in postings {
        out.push_str("<li>");
        match p.get("title").filter(|t| truthy(t)) {
            Some(title) => escape_into(out, &text(title)),
            None => out.push_str("Posting"),
        }
        if let Some(company) = p.get("company").filter(|c| truthy(c)) {
            out.push_str(" — ");
            escape_into(out, &text(company));
        }
        out.push('\n');
        let url = p.get("url").filter(|u| truthy(u)).and_then(Value::as_str);
        if let Some(url) = url.filter(|u| u.starts_with("https://") || u.starts_with("http://")) {
            out.push_str(" <a href=\"");
            escape_into(out, url);
            out.push_str("\" rel=\"nofollow noopener noreferrer\">link</a>");
        }
        out.push('\n');
        tags(out, root, "skills", list(p, "skills"));
        out.push_str("</li>");
    }
}

/// What `{% if v %}` takes for true.
fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0 && !f.is_nan()),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(o) => !o.is_empty(),
    }
}

/// A tag link to each name's page under `folder`, each after a space;
/// `root` escaped already.
fn tags(out: &mut String, root: &str, folder: &str, names: &[Value]) {
    for k in names {
        let k = text(k);
        page_link(out, " <a class=\"tag\" href=\"", root, folder, &k, &k);
    }
}

/// `open` (an `<a` up to its `href="`), then `{root}{folder}/{slug of
/// name}/index.html">{label}</a>`.
fn page_link(out: &mut String, open: &str, root: &str, folder: &str, name: &str, label: &str) {
    out.push_str(open);
    out.push_str(root);
    out.push_str(folder);
    out.push('/');
    push_slug(out, name);
    out.push_str("/index.html\">");
    escape_into(out, label);
    out.push_str("</a>");
}

/// `<a href="{root}submissions/{id}/index.html">` + `label` + `</a>`.
fn link(out: &mut String, root: &str, id: Cow<'_, str>, label: impl FnOnce(&mut String)) {
    out.push_str("<a href=\"");
    out.push_str(root);
    out.push_str("submissions/");
    escape_into(out, &id);
    out.push_str("/index.html\">");
    label(out);
    out.push_str("</a>");
}

/// The list under `name`, empty when there is none.
fn list<'a>(v: &'a Value, name: &str) -> &'a [Value] {
    v.get(name).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

fn field<'a>(v: &'a Value, name: &str) -> Cow<'a, str> {
    v.get(name).map(text).unwrap_or_default()
}

/// A value as `{{ v }}` writes it (before escaping).
fn text(v: &Value) -> Cow<'_, str> {
    match v {
        Value::String(s) => Cow::Borrowed(s),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use tera::Filter;

    /// The site's escaping and filters, and `templates`.
    fn engine(templates: [(&str, &str); 2]) -> tera::Tera {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::super::escape::escape_html);
        tera.register_filter("slug", super::super::escape::SlugFilter);
        for f in FILTERS {
            tera.register_filter(f.0, f);
        }
        tera.add_raw_templates(templates).unwrap();
        tera
    }

    /// The filters write what the loops they replace wrote.
    #[test]
    fn as_the_template_loops() {
        let tera = engine([
            (
                "loops.html",
                "{% for s in list %}<a href=\"{{ root }}submissions/{{ s.id }}/index.html\">{{ s.author }}</a>\
                 {% if s | length > 2 %} (also {% for id in s.also %}<a href=\"{{ root }}submissions/{{ id }}/index.html\">\
                 #{{ loop.index + 1 }}</a>{% if not loop.last %}, {% endif %}{% endfor %}){% endif %}\
                 {% if not loop.last %}, {% endif %}{% endfor %}|<ul class=\"items\">{% for i in items %}<li>{{ i.name }}\
                 {% for k in i.skills %} <a class=\"tag\" href=\"{{ root }}skills/{{ k | slug }}/index.html\">{{ k }}</a>\
                 {% endfor %}</li>{% endfor %}</ul>|{% for i in items %}{% for k in i.skills %} <a class=\"tag\" \
                 href=\"{{ root }}roles/{{ k | slug }}/index.html\">{{ k }}</a>{% endfor %};{% endfor %}",
            ),
            (
                "filters.html",
                "{{ list | student_links(root=root) }}|{{ items | skill_list(root=root) }}|{% for i in items %}\
                 {{ i.skills | tag_links(root=root, folder=\"roles\") }};{% endfor %}",
            ),
        ]);
        let cases = [
            json!({"root": "../../", "list": [], "items": []}),
            // A root that needs escaping, as `{{ root }}` escapes it.
            json!({"root": "a&b\"/", "list": [{"id": "x", "author": "X", "also": ["y"]}],
                "items": [{"name": "Git", "skills": ["Git"]}]}),
            json!({"root": "../", "list": [
                {"id": "ann__lab", "author": "Ann <\"O'Neil\"> & co"},
                {"id": "bo", "author": "Bo", "also": ["bo-2", "bo&3"]},
                {"id": "cy", "author": "Сергей\u{200b}"},
            ], "items": [
                {"name": "Docker & <k8s>", "skills": ["Docker", "Kubernetes", "C++"]},
                {"name": "Soft skills", "skills": []},
            ]}),
        ];
        for case in cases {
            let ctx = tera::Context::from_value(case.clone()).unwrap();
            let (loops, filters) =
                (tera.render("loops.html", &ctx).unwrap(), tera.render("filters.html", &ctx).unwrap());
            assert_eq!(filters, loops, "{case}");
        }
    }

    /// A submission page's components and postings, as its loops wrote them.
    #[test]
    fn components_and_postings_as_the_loops() {
        let tera = engine([
            (
                "loops.html",
                "{% for c in components %}\n<dt>{% if c.kind %}<a href=\"{{ root }}components/{{ c.kind | slug }}/index.html\">\
                 {{ c.name }}</a>{% else %}<a href=\"{{ root }}components/{{ c.name | slug }}/index.html\">{{ c.name }}</a>\
                 {% endif %}</dt>\n<dd>{% for r in c.roles %}{{ r.name }}{% for k in r.canonical %} <a class=\"tag\" \
                 href=\"{{ root }}roles/{{ k | slug }}/index.html\">{{ k }}</a>{% endfor %}{% if not loop.last %}; {% endif %}\
                 {% endfor %}</dd>\n{% endfor %}|{% for p in postings %}<li>{% if p.title %}{{ p.title }}{% else %}Posting\
                 {% endif %}{% if p.company %} — {{ p.company }}{% endif %}\n{% if p.url and (p.url is starting_with(\"https://\") \
                 or p.url is starting_with(\"http://\")) %} <a href=\"{{ p.url }}\" rel=\"nofollow noopener noreferrer\">link</a>\
                 {% endif %}\n{% for k in p.skills %} <a class=\"tag\" href=\"{{ root }}skills/{{ k | slug }}/index.html\">{{ k }}\
                 </a>{% endfor %}</li>{% endfor %}",
            ),
            (
                "filters.html",
                "{{ components | component_entries(root=root) }}|{{ postings | posting_items(root=root) }}",
            ),
        ]);
        let case = json!({"root": "../../", "components": [
            {"name": "API <gateway>", "kind": "API Gateway", "roles": [
                {"name": "Backend & ops", "canonical": ["Backend Developer", "DevOps Engineer"]},
                {"name": "Someone", "canonical": []},
            ], "line": 3},
            {"name": "Брокер сообщений", "kind": null, "roles": [], "line": 9},
            {"name": "Cache", "kind": "", "roles": [{"name": "DBA", "canonical": ["Database Administrator"]}], "line": 12},
        ], "postings": [
            {"title": "Go developer \"senior\"", "company": "Acme & Co", "url": "https://hh.ru/vacancy/1?a=1&b=2",
             "skills": ["Go", "C#"], "file": "a.md", "line": 1},
            {"title": "", "company": null, "url": "javascript:alert(1)", "skills": [], "file": "a.md", "line": 2},
            {"title": "QA", "company": "", "url": null, "skills": ["Selenium"], "file": "a.md", "line": 3},
            {"title": "SRE", "company": "X", "url": "http://example.com/<job>", "skills": [], "file": "a.md", "line": 4},
        ]});
        let ctx = tera::Context::from_value(case).unwrap();
        let (loops, filters) = (tera.render("loops.html", &ctx).unwrap(), tera.render("filters.html", &ctx).unwrap());
        assert!(loops.contains("Posting") && loops.contains("<dt>"), "{loops}");
        assert_eq!(filters, loops);
    }

    #[test]
    fn a_list_is_required() {
        let err = FILTERS[0].filter(&json!("Ann"), &HashMap::new()).unwrap_err();
        assert!(err.to_string().contains("student_links"), "{err}");
    }
}
