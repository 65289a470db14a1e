//! Component kinds and products.
//!
//! A component's display name is a short phrase: "Sharded Chat DB & State
//! Cache", "Catalog & Search service". Its kind comes from the first list
//! segment that names one, and within it from the last alias before any
//! preposition (the head noun: a "Chat DB" is a database, a "Database for
//! user profiles" too). Words in parentheses only count when nothing outside
//! them does. Products are counted over a whole text: the most mentioned wins,
//! ties go to the first mentioned.

use super::Section;
use super::matcher::Hit;
use super::tokens::{Tokens, tokenize};

/// Words after which a component name only qualifies its head noun.
const PREPOSITIONS: &[&str] = &["for", "of", "to", "on", "in", "via", "through", "для", "по"];

pub(crate) fn component_kind(section: &Section, text: &str) -> Option<String> {
    let toks = tokenize(text);
    let hits = section.matcher.scan(&toks, false);
    let outside: Vec<Hit> = hits.iter().copied().filter(|h| !toks.in_parens(h.start)).collect();
    let pool = if outside.is_empty() { hits } else { outside };
    let pick = best_in_first_segment(&toks, pool.iter().filter(|h| !h.weak))
        .or_else(|| best_in_first_segment(&toks, pool.iter().filter(|h| h.weak)))?;
    Some(section.name(pick.target).to_owned())
}

/// The head-noun hit of the first segment that has any of `hits`.
fn best_in_first_segment<'a>(toks: &Tokens<'_>, hits: impl Iterator<Item = &'a Hit>) -> Option<Hit> {
    let hits: Vec<&Hit> = hits.collect();
    let seg = toks.seg(hits.first()?.start);
    let in_seg: Vec<&Hit> = hits.into_iter().filter(|h| toks.seg(h.start) == seg).collect();
    let prep =
        (0..toks.len()).position(|i| toks.seg(i) == seg && PREPOSITIONS.contains(&toks.lower(i))).unwrap_or(usize::MAX);
    let head = in_seg.iter().copied().rfind(|h| h.start < prep);
    head.or_else(|| in_seg.last().copied()).copied()
}

pub(crate) fn product_in(section: &Section, text: &str) -> Option<String> {
    let toks = tokenize(text);
    // (target, count), in order of first mention.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for hit in section.matcher.scan(&toks, false) {
        match counts.iter_mut().find(|(t, _)| *t == hit.target) {
            Some((_, n)) => *n += 1,
            None => counts.push((hit.target, 1)),
        }
    }
    let max = counts.iter().map(|&(_, n)| n).max()?;
    let (target, _) = counts.into_iter().find(|&(_, n)| n == max)?;
    Some(section.name(target).to_owned())
}

#[cfg(test)]
mod tests {
    use super::super::Taxonomy;
    use std::sync::LazyLock;

    static TAX: LazyLock<Taxonomy> = LazyLock::new(Taxonomy::builtin);

    #[track_caller]
    fn kind_is(text: &str, want: Option<&str>) {
        assert_eq!(TAX.component_kind(text).as_deref(), want, "component_kind({text:?})");
    }

    #[test]
    fn component_kinds() {
        for (text, want) in [
            ("MTProto Gateway (DC Entry)", "API Gateway"),
            ("Auth & Session Service", "Authentication"),
            ("Authentication & Authorization Service", "Authentication"),
            ("Auth & ID service", "Authentication"),
            ("Message Handling Service", "Messaging"),
            ("Messaging Service", "Messaging"),
            ("Message & Auth Services", "Messaging"),
            ("Media & File Service", "Media Storage"),
            ("Distributed File System (DFS)", "Media Storage"),
            ("Media Storage Service", "Media Storage"),
            ("Notification/Updates Service", "Notifications"),
            ("Sharded Chat DB", "Database"),
            ("Sharded Chat DB & State Cache", "Database"),
            ("NoSQL DB", "Database"),
            ("Fintech & Payment service", "Payments"),
            ("Payment Gateway", "Payments"),
            ("Cart & Checkout service", "Cart & Orders"),
            ("Catalog & Search service", "Catalog"),
            ("Search Service", "Search"),
            ("Client Applications (Web, Mobile, Desktop)", "Client App"),
            ("Mobile App (iOS/Android)", "Client App"),
            ("Client-service", "Client App"),
            ("Monitoring", "Monitoring"),
            ("Inference Engine", "ML Inference"),
            ("Infrastructure & Deployment", "Infrastructure"),
            ("Moderation Layer", "Moderation"),
            ("User profile & loyalty", "User Profile"),
            ("Recommendation Engine", "Recommendations"),
            ("Analytics Pipeline", "Analytics"),
            ("Delivery & Logistics", "Delivery & Logistics"),
            ("Maps & Geo Service", "Maps & Geo"),
            ("Redis Cache", "Caching"),
            ("Database for user profiles", "Database"),
            ("Core Backend", "Backend Services"),
        ] {
            kind_is(text, Some(want));
        }
        kind_is("3rd party bot services", Some("Integrations"));
        kind_is("External Services (Yandex Pay, Yandex Maps)", Some("Integrations"));
        kind_is("Yandex Pay", Some("Payments"));
        kind_is("PVZ Software (Pickup Point)", Some("Delivery & Logistics"));
        // No typo matching in component names: "server" is not "servers".
        kind_is("Bot API Server", Some("Integrations"));
        kind_is("Frobnicator", None);
        kind_is("", None);
    }

    #[track_caller]
    fn product_is(text: &str, want: Option<&str>) {
        assert_eq!(TAX.product_in(text).as_deref(), want, "product_in({text:?})");
    }

    #[test]
    fn products() {
        product_is("Architecture of Telegram: MTProto gateway, DC", Some("Telegram"));
        product_is("We mapped the MTProto stack", Some("Telegram"));
        product_is("Архитектура Телеграм", Some("Telegram"));
        product_is("ChatGPT architecture", Some("ChatGPT"));
        product_is("Маркетплейс Вайлдберриз", Some("Wildberries"));
        product_is("Yandex Taxi backend", Some("Yandex Go"));
        product_is("Яндекс Такси", Some("Yandex Go"));
        product_is("Yandex.Taxi", Some("Yandex Go"));
        product_is("Яндекс Go", Some("Yandex Go"));
        product_is("Spotify vs YouTube; Spotify streaming", Some("Spotify"));
        product_is("WhatsApp and Telegram", Some("WhatsApp"));
        product_is("Telegram, unlike WhatsApp, runs Telegram DCs", Some("Telegram"));
        product_is("Uber, Ozon, Avito", Some("Uber"));
    }

    #[test]
    fn generic_text_names_no_product() {
        for text in [
            "a messenger",
            "an online marketplace",
            "Yandex is hiring a backend developer",
            "Deploy on Amazon Web Services",
            "a notion of consistency",
            "zoom in on the design",
            "some slack in the schedule",
            "",
        ] {
            product_is(text, None);
        }
    }
}
