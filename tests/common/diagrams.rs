//! Forks that embed diagrams, written from scratch: what students commit
//! (PlantUML's SVG export, a PNG screenshot, the `.puml` beside them) and
//! what they get wrong (paths that do not resolve) or a hostile one tries.
#![allow(dead_code)]

use super::Site;

/// A 2×1 PNG (one red pixel, one blue).
pub const PNG: &[u8] =
    b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x02\x00\x00\x00\x01\
\x08\x02\x00\x00\x00\x7b\x40\xe8\xdd\x00\x00\x00\x0d\x49\x44\x41\x54\x78\x9c\x63\xf8\xcf\x00\x04\xff\x01\x07\x00\x01\
\xff\xe2\x23\x9e\x59\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

/// A component diagram as PlantUML exports it: XML declaration, a
/// processing instruction, sizes in the style attribute.
pub fn component_svg(label: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"us-ascii\" standalone=\"no\"?><svg xmlns=\"http://www.w3.org/2000/svg\" \
         xmlns:xlink=\"http://www.w3.org/1999/xlink\" contentStyleType=\"text/css\" height=\"90px\" \
         preserveAspectRatio=\"none\" style=\"width:220px;height:90px;background:#FFFFFF;\" version=\"1.1\" \
         viewBox=\"0 0 220 90\" width=\"220px\" zoomAndPan=\"magnify\"><?plantuml 1.2024.3?><defs/><g>\
         <g class=\"entity\" data-entity=\"api\"><rect fill=\"#F1F1F1\" height=\"36\" style=\"stroke:#181818;\" \
         width=\"90\" x=\"7\" y=\"7\"/><text font-size=\"14\" x=\"17\" y=\"30\">{label}</text></g>\
         <g class=\"entity\" data-entity=\"db\"><rect fill=\"#F1F1F1\" height=\"36\" width=\"90\" x=\"120\" y=\"47\"/>\
         <text font-size=\"14\" x=\"130\" y=\"70\">Postgres</text></g></g></svg>"
    )
}

/// An SVG that runs code when opened as a document or inlined.
pub const EVIL_SVG: &str = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"40\" \
    onload=\"window.__pwned='svg-onload'\"><script>window.__pwned='svg-script';document.title='PWNED'</script>\
    <rect width=\"40\" height=\"40\" fill=\"red\"/></svg>";

pub const PUML: &str = "@startuml\n' компоненты мессенджера\n[Mobile client] --> [API gateway]\n\
    [API gateway] --> [Message store]\n@enduml\n";

/// `who/docs/architecture.md` embedding `svg` as the component diagram,
/// with the `.puml` beside it and a PNG of the deployment.
pub fn fork_with_diagrams(site: &Site, who: &str, svg: &str) {
    site.write(&format!("{who}/docs/roles-and-skills.md"), super::good_submission(who).as_bytes());
    site.write(&format!("{who}/docs/diagrams/out/telegram/Component Diagram.svg"), svg.as_bytes());
    site.write(&format!("{who}/docs/diagrams/src/telegram/components.puml"), PUML.as_bytes());
    site.write(&format!("{who}/docs/diagrams/out/deploy.png"), PNG);
    let md = "# Архитектура\n\n## Product choice\n\nTelegram — мессенджер (https://telegram.org)\n\n\
              ## Main components\n\n\
              ![Диаграмма компонентов](diagrams/out/telegram/Component%20Diagram.svg)\n\n\
              Исходник: [components.puml](./diagrams/src/telegram/components.puml)\n\n\
              - Mobile client: приложение\n- API gateway: принимает запросы\n\n\
              ## Deployment\n\n<img src=\"diagrams/out/deploy.png\" alt=\"Деплой\" width=\"200\">\n";
    site.write(&format!("{who}/docs/architecture.md"), md.as_bytes());
}
