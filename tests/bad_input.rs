//! Whatever a buyer sends, the engine answers or errors clearly: never a
//! panic, never a lost or corrupted session.

mod common;

use common::{memory_engine, say, sled_engine, user};
use proptest::prelude::*;

#[test]
fn nasty_messages_get_replies() {
    let engine = memory_engine();
    let buyer = user("nasty");
    let huge = "付款".repeat(50_000);
    let digits = "9".repeat(20_000);
    let nasty = [
        "",
        "   \t  ",
        "👍",
        "😭😭😭😭😭",
        "\u{0}\u{1}\u{7}\u{1b}[31m",
        huge.as_str(),
        digits.as_str(),
        "\u{202e}reversed\u{202c} 余额 balance",
        "<b>hi</b> & {$shop_name} { $payment_method }",
        "ﾟ･✿ヾ╲(｡◕‿◕｡)╱✿･ﾟ",
        "/",
        "/lang",
        "/lang fr",
        "/start deep_link_payload-123",
        "\u{FFFD}\u{FFFD}",
    ];
    for text in nasty {
        let reply = say(&engine, &buyer, text);
        assert!(
            !reply.replies.is_empty() || reply.handoff,
            "no reply to {:?}",
            &text[..text.len().min(40)]
        );
        assert!((0.0..=1.0).contains(&reply.confidence));
    }
    // A buyer's text is never interpreted as a template.
    let reply = say(&engine, &buyer, "/lang en");
    assert!(reply.replies.iter().all(|r| !r.contains("{$")));
    let session = engine.store().load(&buyer).unwrap().unwrap();
    assert!(
        session
            .transcript
            .iter()
            .all(|t| t.text.chars().count() <= 500)
    );
}

#[test]
fn odd_user_ids_round_trip_through_sled() {
    let dir = tempfile::tempdir().unwrap();
    let engine = sled_engine(dir.path());
    for id in [
        "tg:-100123",
        "用户 名",
        "a/b\\c",
        "💳",
        "x".repeat(128).as_str(),
        "\u{FFFD}",
    ] {
        let buyer = user(id);
        say(&engine, &buyer, "forgot my password");
        let session = engine.store().load(&buyer).unwrap().expect("stored");
        assert_eq!(session.user.as_str(), id);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn any_text_gets_a_reply_and_keeps_the_session_loadable(texts in proptest::collection::vec(any::<String>(), 1..6)) {
        let engine = memory_engine();
        let buyer = user("prop");
        for text in &texts {
            let reply = say(&engine, &buyer, text);
            prop_assert!(!reply.replies.is_empty() || reply.handoff);
            prop_assert!((0.0..=1.0).contains(&reply.confidence));
            let session = engine.store().load(&buyer).unwrap().unwrap();
            prop_assert_eq!(session.lang, reply.lang);
        }
    }

    #[test]
    fn classify_never_panics(text in "\\PC{0,300}") {
        let p = common::classifier().classify(&text);
        prop_assert!((0.0..=1.0).contains(&p.confidence));
    }
}
