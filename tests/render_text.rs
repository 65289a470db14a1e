//! What the sanitiser drops leaves the student's words: an image or link it
//! cannot keep leaves its alt or link text, a made-up "tag" (`<Backend>`,
//! `<your role>`) shows as written; real dangerous markup still goes.

mod common;

use skills_atlas::render::markdown::{Limits, first_unsafe, render, to_html};

fn assert_safe(html: &str) {
    assert_eq!(first_unsafe(html), None, "{html}");
}

/// No element left empty of what made it: `<img>` without `src`, `<a>`
/// without `href`.
fn assert_no_dead_elements(html: &str) {
    for (i, _) in html.match_indices("<img") {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(tag.contains(" src=\""), "an image without a source: {html}");
    }
    for (i, _) in html.match_indices("<a ").chain(html.match_indices("<a>")) {
        let tag = &html[i..i + html[i..].find('>').unwrap()];
        assert!(tag.contains(" href=\""), "a link without a target: {html}");
    }
}

#[test]
fn dropped_images_and_links_leave_their_text() {
    let cases = [
        // Markdown, plain (the fast path) and beside raw HTML (the sanitiser's path).
        ("![Team photo](javascript:alert(1)) and [my notes](javascript:alert(2))", ["Team photo", "my notes"]),
        ("![Architecture diagram](docs/arch.png) see [the spec](docs/spec.md)", ["Architecture diagram", "the spec"]),
        ("<b>x</b> ![Data flow](data:image/png;base64,AAAA) [Jump](#top)", ["Data flow", "Jump"]),
        // The student's own HTML.
        (
            "<img src=\"javascript:alert(1)\" alt=\"Class diagram\"> <a href=\"vbscript:x\" onclick=\"y()\">read me</a>",
            ["Class diagram", "read me"],
        ),
        (
            "<p><img src=\"docs/a.png\" alt=\"a < b &amp; c\"><a name=\"x\">anchor text</a></p>",
            ["a &lt; b &amp; c", "anchor text"],
        ),
    ];
    for (md, words) in cases {
        let html = to_html(md);
        assert_safe(&html);
        assert_no_dead_elements(&html);
        for w in words {
            assert!(html.contains(w), "{w:?} lost from {md:?}: {html}");
        }
        assert!(!html.contains("alert") && !html.contains("vbscript"), "{html}");
    }
    // Kept ones stay links and images.
    let html = to_html("[site](https://x.test/) <img src=\"https://x.test/i.png\" alt=\"pic\">");
    assert!(html.contains("<a href=\"https://x.test/\""), "{html}");
    assert!(html.contains(" pic</p>") && !html.contains("<img"), "other hosts' images are not loaded: {html}");
    let allowed = render(
        "![pic](https://x.test/i.png) ![local](docs/i.png)",
        &Limits { external_images: true, ..Limits::default() },
        None,
    );
    assert!(allowed.contains("<img src=\"https://x.test/i.png\" alt=\"pic\""), "{allowed}");
    assert!(allowed.contains("local") && allowed.matches("<img").count() == 1, "{allowed}");
    assert_no_dead_elements(&allowed);
}

#[test]
fn made_up_tags_show_as_written() {
    let html = to_html("My role: <Backend>\n\nI want to be <your role> in <Team Name>, not </Frontend>.\n");
    assert!(html.contains("My role: &lt;Backend&gt;"), "{html}");
    assert!(html.contains("&lt;your role&gt;") && html.contains("&lt;Team Name&gt;"), "{html}");
    assert!(html.contains("&lt;/Frontend&gt;"), "{html}");
    // On a line of its own (an HTML block), and mixed with real markup.
    let html = to_html("<Backend Developer>\n\nText\n\n<div><Role> and <b>bold</b></div>\n");
    assert!(html.contains("&lt;Backend Developer&gt;"), "{html}");
    assert!(html.contains("&lt;Role&gt; and <b>bold</b>"), "{html}");
    assert_safe(&html);
    // Real elements are markup, not text: kept when safe, dropped when not.
    let html = to_html(
        "Some <em>words</em>, <kbd>Ctrl</kbd>.\n\n<script>alert(1)</script>\n\n<img src=x onerror=alert(2)>\n\nA <svg onload=alert(3)></svg> <iframe src=\"https://x.test\"></iframe> end\n",
    );
    assert!(html.contains("<em>words</em>") && html.contains("<kbd>Ctrl</kbd>"), "{html}");
    assert!(!html.contains("alert") && !html.contains("script") && !html.contains("&lt;img"), "{html}");
    assert!(!html.contains("iframe") && !html.contains("svg"), "{html}");
    assert_safe(&html);
    assert_no_dead_elements(&html);
}

#[test]
fn a_built_page_keeps_the_students_words() {
    let site = common::Site::new(&["anna"]);
    let text = common::good_submission("bob").replace(
        "Role: Backend Developer",
        "Role: Backend Developer, or <your role> as the template says\n\n![Team photo](docs/team.jpg)",
    );
    site.write("bob/roles-and-skills.md", text.as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let page = std::fs::read_to_string(site.out().join("submissions/bob/index.html")).unwrap();
    assert!(page.contains("or &lt;your role&gt; as the template says"), "made-up tag lost");
    assert!(page.contains("Team photo") && !page.contains("=\"docs/team.jpg"), "image alt text lost");
    // The diagrams section names the image that is not there, as text.
    assert!(page.contains("Not shown: <code>docs/team.jpg</code>"), "{page}");
    site.assert_all_pages_safe();
}
