//! The `student_links`, `skill_list` and `tag_links` filters: the link
//! lists pages repeat for every student, skill or role, as the templates
//! wrote them in tera loops. A skill page lists every student who has the
//! skill, and each tera lookup in a loop costs hundreds of instructions: the
//! loops were 8% of a build's instructions, the filters a small part of that.

use super::escape::{escape_into, push_slug};
use std::borrow::Cow;
use std::collections::HashMap;
use tera::{Error, Value};

/// `list | student_links(root=root)`: each student's (or submission's)
/// `<a href="{root}submissions/{id}/index.html">{author}</a>`, and their
/// other submissions (`also`) as `#2`, `#3` after it, comma-separated.
pub(super) struct StudentLinks;

impl tera::Filter for StudentLinks {
    fn filter(&self, list: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let (list, root) = (array("student_links", list)?, root(args));
        let mut out = String::new();
        for (i, s) in list.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            link(&mut out, &root, field(s, "id"), |out| escape_into(out, &field(s, "author")));
            let also = s.get("also").and_then(Value::as_array).filter(|a| !a.is_empty());
            if let Some(also) = also {
                out.push_str(" (also ");
                for (n, id) in also.iter().enumerate() {
                    if n > 0 {
                        out.push_str(", ");
                    }
                    link(&mut out, &root, text(id), |out| {
                        out.push('#');
                        out.push_str(&(n + 2).to_string());
                    });
                }
                out.push(')');
            }
        }
        Ok(Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `items | skill_list(root=root)`: `<ul class="items">`, an item's name
/// and a tag linking each of its canonical skills.
pub(super) struct SkillList;

impl tera::Filter for SkillList {
    fn filter(&self, items: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let (items, root) = (array("skill_list", items)?, root(args));
        let mut out = String::from("<ul class=\"items\">");
        for item in items {
            out.push_str("<li>");
            escape_into(&mut out, &field(item, "name"));
            let skills = item.get("skills").and_then(Value::as_array).map_or(&[][..], Vec::as_slice);
            tags(&mut out, &root, "skills", skills);
            out.push_str("</li>");
        }
        out.push_str("</ul>");
        Ok(Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// `names | tag_links(root=root, folder="skills")`: for each name,
/// ` <a class="tag" href="{root}{folder}/{slug}/index.html">{name}</a>`
/// (`folder`: `skills` or `roles`).
pub(super) struct TagLinks;

impl tera::Filter for TagLinks {
    fn filter(&self, names: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let (names, root) = (array("tag_links", names)?, root(args));
        let folder = args.get("folder").and_then(Value::as_str).unwrap_or("skills");
        let mut out = String::new();
        if folder.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            tags(&mut out, &root, folder, names);
        } else {
            let mut escaped = String::new();
            escape_into(&mut escaped, folder);
            tags(&mut out, &root, &escaped, names);
        }
        Ok(Value::String(out))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// A tag link to each name's page under `folder`, each after a space;
/// `root` escaped already.
fn tags(out: &mut String, root: &str, folder: &str, names: &[Value]) {
    for k in names {
        let k = text(k);
        out.push_str(" <a class=\"tag\" href=\"");
        out.push_str(root);
        out.push_str(folder);
        out.push('/');
        push_slug(out, &k);
        out.push_str("/index.html\">");
        escape_into(out, &k);
        out.push_str("</a>");
    }
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

fn array<'a>(filter: &str, v: &'a Value) -> tera::Result<&'a Vec<Value>> {
    v.as_array().ok_or_else(|| Error::msg(format!("filter `{filter}` takes a list, not {v}")))
}

/// The `root` argument, escaped as `{{ root }}` would be.
fn root(args: &HashMap<String, Value>) -> String {
    let mut out = String::new();
    escape_into(&mut out, &args.get("root").map(text).unwrap_or_default());
    out
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

    /// The filters write what the loops they replace wrote.
    #[test]
    fn as_the_template_loops() {
        let mut tera = tera::Tera::default();
        tera.autoescape_on(vec![".html"]);
        tera.set_escape_fn(super::super::escape::escape_html);
        tera.register_filter("slug", super::super::escape::SlugFilter);
        tera.register_filter("student_links", StudentLinks);
        tera.register_filter("skill_list", SkillList);
        tera.register_filter("tag_links", TagLinks);
        tera.add_raw_templates([
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
        ])
        .unwrap();
        let cases = [
            json!({"root": "../../", "list": [], "items": []}),
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

    #[test]
    fn a_list_is_required() {
        let err = StudentLinks.filter(&json!("Ann"), &HashMap::new()).unwrap_err();
        assert!(err.to_string().contains("student_links"), "{err}");
    }
}
