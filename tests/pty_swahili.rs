//! The real binary in a pseudo-terminal, in Kiswahili (`LIPA_LANG=sw`): a paid and a cancelled
//! demo payment, with none of lipa's English words on the screen; Ctrl-G switches to English
//! live without losing what is typed.

#[path = "support/pty.rs"]
mod pty;

use pty::Spawn;
use std::time::Duration;

const T: Duration = Duration::from_secs(30);

/// lipa's own English words (a provider's verbatim words may be English; the demo's are not
/// shown verbatim).
const ENGLISH: &[&str] = &[
    "New payment",
    "Phone",
    "Amount",
    "Reference",
    "waiting",
    "paid",
    "failed",
    "Payments",
    "send",
    "quit",
    "help",
    "Today",
    "DEMO",
    "cancelled",
    "Prompt",
    "customer",
];

fn row_with<'a>(screen: &'a str, tail: &str) -> Option<&'a str> {
    screen
        .lines()
        .find(|l| l.contains(tail) && l.contains("1,500"))
}

#[test]
fn the_demo_speaks_swahili_from_start_to_paid_and_cancelled() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut p = Spawn::demo(dir.path(), "1")
        .env("LIPA_LANG", "sw")
        .size(80, 24)
        .start();
    p.wait_for("the Swahili banner", T, |t| t.contains("MAJARIBIO"));
    p.wait_for("a reference", T, |t| !t.contains("inaleta kumbukumbu"));
    p.send("0712345670\t1500\r");
    p.wait_for("paid", T, |t| {
        row_with(t, "670").is_some_and(|r| r.contains("imelipwa"))
    });
    p.send("0712345676\t1500\r");
    p.wait_for("cancelled", T, |t| {
        row_with(t, "676").is_some_and(|r| r.contains("imeshindwa"))
    });
    let screen = p.text();
    for word in ENGLISH {
        assert!(
            !screen.contains(word),
            "{word:?} on the Swahili screen:\n{screen}"
        );
    }
    assert!(screen.contains("Malipo mapya"), "{screen}");

    // Ctrl-G: English at once, the typed digits kept, said in both languages.
    p.send("0712");
    p.send("\x07");
    p.wait_for("English", T, |t| {
        t.contains("New payment") && t.contains("English now")
    });
    assert!(p.text().contains("0712"), "typing lost:\n{}", p.text());
    p.send("\x07");
    p.wait_for("Swahili again", T, |t| t.contains("Malipo mapya"));
    p.send("\x03");
    p.wait_for("quit", T, |t| {
        !t.contains("Malipo mapya") || t.contains("Ondoka?")
    });
    if p.text().contains("Ondoka?") {
        p.send("y");
    }
    assert!(
        p.wait_exit(Duration::from_secs(15)).is_some(),
        "lipa did not quit"
    );
}
