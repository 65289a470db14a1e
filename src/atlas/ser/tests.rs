use super::*;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
#[serde(rename_all = "lowercase")]
enum Level {
    Low,
    High(u8),
    Pair(u8, String),
    Named { a: bool },
}

#[derive(Serialize)]
#[serde(tag = "kind")]
enum Tagged {
    One { n: usize },
}

#[derive(Serialize)]
struct Inner {
    name: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    absent: Option<u8>,
}

#[derive(Serialize)]
struct Sample {
    text: String,
    empty: &'static str,
    n: i64,
    u: u64,
    ints: (i8, i16, i32, i64, u8, u16, u32, usize, i128, u128),
    x: f64,
    nan: f64,
    yes: bool,
    none: Option<String>,
    unit: (),
    c: char,
    levels: Vec<Level>,
    tagged: Tagged,
    map: BTreeMap<String, usize>,
    nums: BTreeMap<u32, bool>,
    #[serde(flatten)]
    inner: Inner,
    tuple: (u8, &'static str),
}

#[test]
fn writes_what_serde_json_writes() {
    let texts = [
        "plain ascii text long enough for words",
        "кириллица, длинная строка без экранирования",
        "quote \" in the middle of a longer string",
        "back\\slash",
        "tab\there and a newline\n",
        "\u{1}\u{1f}\u{7f}\u{80}\u{202e}",
        "short\"",
        "1234567\\",
        "",
    ];
    for text in texts {
        let sample = Sample {
            text: text.to_string(),
            empty: "",
            n: -42,
            u: u64::MAX,
            ints: (i8::MIN, -1, 0, i64::MIN, u8::MAX, 10, 1_000_000, usize::MAX, i128::MIN, 7),
            x: 0.1 + 0.2,
            nan: f64::NAN,
            yes: true,
            none: None,
            unit: (),
            c: '"',
            levels: vec![Level::Low, Level::High(3), Level::Pair(1, text.into()), Level::Named { a: false }],
            tagged: Tagged::One { n: 7 },
            map: [(text.to_string(), 1), ("b".into(), 2)].into_iter().collect(),
            nums: [(3, true), (10, false)].into_iter().collect(),
            inner: Inner { name: "inner", absent: None },
            tuple: (9, "t"),
        };
        let mut ours = Vec::new();
        to_writer(&mut ours, &sample).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&sample).unwrap(), "{text:?}");
    }
}

#[test]
fn hands_on_in_pieces_that_hidden_escaping_joins() {
    // Many spills, cutting multi-byte and hidden characters anywhere.
    let rows: Vec<Vec<String>> =
        (0..20_000).map(|i| vec![format!("{i} mallory\u{202e}gpj.exe кириллица"), "\u{200b}".repeat(i % 7)]).collect();
    let mut ours = Vec::new();
    to_writer(crate::hidden::Json::new(&mut ours), &rows).unwrap();
    assert!(ours.len() > 8 * SPILL);
    assert_eq!(String::from_utf8(ours).unwrap(), crate::hidden::to_string(&rows).unwrap());
}

#[test]
fn refuses_keys_serde_json_refuses() {
    let map: BTreeMap<Vec<u8>, u8> = [(vec![1], 1)].into_iter().collect();
    assert!(to_writer(Vec::new(), &map).is_err());
    assert!(serde_json::to_string(&map).is_err());
}

#[test]
fn escapes_every_byte_as_serde_json() {
    for b in 0..=0x7fu8 {
        for at in [0, 5, 16, 20, 33] {
            let mut s = vec![b'a'; 34];
            s[at] = b;
            let s = String::from_utf8(s).unwrap();
            let mut ours = Vec::new();
            write_str(&mut ours, &s).unwrap();
            assert_eq!(String::from_utf8(ours).unwrap(), serde_json::to_string(&s).unwrap(), "byte {b:#x} at {at}");
        }
    }
}
