//! Which key does what, where. One table for the handler, the status bar and the help overlay.
//!
//! In a text field, plain letters are text: commands there need Ctrl, Tab, Enter, Esc, `?` or a
//! function key. Letter commands (j, k, r, c, s, t) work only where nobody types text.

use super::form::Field;
use crate::lang::Lang;
use crate::strings::console as s;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::InputRequest;

/// Where a key is pressed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    Field(Field),
    List,
    Detail,
    Today,
    /// The day's report.
    Report,
    /// Searching the whole journal: the search line and its results.
    Search,
    Help,
    Confirm,
    /// Typing the note of a check, in its question.
    Note,
}

/// What a key asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Quit,
    Help,
    SwitchProvider,
    Today,
    /// The day's report (and the day before or after it).
    Report,
    /// Search the whole journal.
    Search,
    /// Print the payment's receipt.
    Print,
    /// Close the day shown (a Z report).
    CloseDay,
    PrevDay,
    NextDay,
    NextField,
    PrevField,
    Send,
    Edit(InputRequest),
    Type(char),
    ChannelNext,
    ChannelPrev,
    Up,
    Down,
    Open,
    Back,
    Recheck,
    MarkChecked,
    SendAgain,
    Yes,
    No,
    /// A page up or down, and the top or the end (help).
    PageUp,
    PageDown,
    Top,
    Bottom,
    /// Repaint the whole screen (a garbled SSH link).
    Repaint,
    /// Kiswahili ↔ English.
    Language,
    /// Take finished payments out of the pending pane.
    ClearDone,
    /// Every operator's day, in today's screen (and back to its payments).
    Operators,
    /// A key that means nothing where it was pressed (said, not swallowed).
    Stray,
}

/// An Esc pressed just before another key reaches us as that key with Alt (the terminal sends
/// `ESC x`, and a slow SSH link delivers both bytes together). Alt means nothing to the console
/// except Alt-Backspace, so such a key is split back into the Esc and the key.
pub fn split_escape(key: &KeyEvent) -> Option<(KeyEvent, KeyEvent)> {
    if !key.modifiers.contains(KeyModifiers::ALT) || key.code == KeyCode::Backspace {
        return None;
    }
    let esc = KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE);
    let mut rest = *key;
    rest.modifiers.remove(KeyModifiers::ALT);
    Some((esc, rest))
}

/// The command a key press means in a context, if any. A question takes y and n, and in
/// Kiswahili d (*ndiyo*) and h (*hapana*) too.
pub fn command(ctx: Context, key: &KeyEvent, lang: Lang) -> Option<Command> {
    use KeyCode::*;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let plain = !ctrl && !key.modifiers.contains(KeyModifiers::ALT);
    let sw = lang == Lang::Sw;
    match (ctx, key.code) {
        (_, Char('c')) if ctrl => Some(Command::Quit),
        (_, Char('l')) if ctrl => Some(Command::Repaint),
        (_, Char('g')) if ctrl => Some(Command::Language),
        (Context::Confirm, Char('y' | 'Y')) if plain => Some(Command::Yes),
        (Context::Confirm, Char('d' | 'D')) if plain && sw => Some(Command::Yes),
        (Context::Confirm, Char('n' | 'N') | Esc) => Some(Command::No),
        (Context::Confirm, Char('h' | 'H')) if plain && sw => Some(Command::No),
        (Context::Confirm, _) => Some(Command::Stray),
        (Context::Note, Enter) => Some(Command::Yes),
        (Context::Note, Esc) => Some(Command::No),
        (Context::Note, _) => note_command(key, ctrl, plain),
        (Context::Help, Esc | F(1) | Char('?' | 'q') | Enter) => Some(Command::Back),
        (Context::Help, Up | Char('k')) => Some(Command::Up),
        (Context::Help, Down | Char('j')) => Some(Command::Down),
        (Context::Help, PageUp) => Some(Command::PageUp),
        (Context::Help, PageDown | Char(' ')) => Some(Command::PageDown),
        (Context::Help, Home | Char('g')) => Some(Command::Top),
        (Context::Help, End | Char('G')) => Some(Command::Bottom),
        (Context::Help, _) => None,
        (_, Char('x')) if ctrl => Some(Command::ClearDone),
        (_, Char('p')) if ctrl => Some(Command::SwitchProvider),
        (_, Char('t')) if ctrl => Some(Command::Today),
        (_, Char('r')) if ctrl => Some(Command::Report),
        (_, Char('f')) if ctrl => Some(Command::Search),
        (Context::Search, _) => search_command(key, ctrl, plain),
        (Context::Report, Left | Char('h')) => Some(Command::PrevDay),
        (Context::Report, Right | Char('l')) => Some(Command::NextDay),
        (Context::Report, Up | Char('k')) => Some(Command::Up),
        (Context::Report, Down | Char('j')) => Some(Command::Down),
        (Context::Report, Esc | Backspace | Char('q')) => Some(Command::Back),
        (Context::Report, Char('z')) if plain => Some(Command::CloseDay),
        (Context::Report, _) => None,
        (_, F(1)) => Some(Command::Help),
        (_, Char('?')) if plain => Some(Command::Help),
        (Context::Field(f), _) => field_command(f, key, ctrl, plain),
        (Context::List, Char(c)) if plain && (c.is_ascii_digit() || c == '+') => {
            Some(Command::Type(c))
        }
        (Context::List | Context::Detail | Context::Today, _) => list_command(ctx, key, plain),
    }
}

fn field_command(f: Field, key: &KeyEvent, ctrl: bool, plain: bool) -> Option<Command> {
    use InputRequest::*;
    use KeyCode::*;
    let edit = |r| Some(Command::Edit(r));
    match key.code {
        Tab | Down => Some(Command::NextField),
        BackTab | Up => Some(Command::PrevField),
        Enter => Some(Command::Send),
        Esc => Some(Command::Back),
        Left if f == Field::Channel => Some(Command::ChannelPrev),
        Right | Char(' ') if f == Field::Channel => Some(Command::ChannelNext),
        _ if f == Field::Channel => None,
        Backspace if key.modifiers.contains(KeyModifiers::ALT) => edit(DeletePrevWord),
        Backspace => edit(DeletePrevChar),
        Char('h') if ctrl => edit(DeletePrevChar),
        Delete => edit(DeleteNextChar),
        Left if ctrl => edit(GoToPrevWord),
        Right if ctrl => edit(GoToNextWord),
        Left => edit(GoToPrevChar),
        Right => edit(GoToNextChar),
        Home => edit(GoToStart),
        End => edit(GoToEnd),
        Char('a') if ctrl => edit(GoToStart),
        Char('e') if ctrl => edit(GoToEnd),
        Char('u') if ctrl => edit(DeleteLine),
        Char('w') if ctrl => edit(DeletePrevWord),
        Char('k') if ctrl => edit(DeleteTillEnd),
        Char(c) if plain => Some(Command::Type(c)),
        _ => None,
    }
}

/// The search line: text and editing keys; arrows move in the results, Enter opens one.
fn search_command(key: &KeyEvent, ctrl: bool, plain: bool) -> Option<Command> {
    use InputRequest::*;
    use KeyCode::*;
    let edit = |r| Some(Command::Edit(r));
    match key.code {
        Up => Some(Command::Up),
        Down | PageDown => Some(Command::Down),
        Enter => Some(Command::Open),
        Esc => Some(Command::Back),
        Backspace => edit(DeletePrevChar),
        Delete => edit(DeleteNextChar),
        Left => edit(GoToPrevChar),
        Right => edit(GoToNextChar),
        Home => edit(GoToStart),
        End => edit(GoToEnd),
        Char('u') if ctrl => edit(DeleteLine),
        Char('w') if ctrl => edit(DeletePrevWord),
        Char(c) if plain => Some(Command::Type(c)),
        _ => None,
    }
}

/// Editing the note of a check: text, and the usual editing keys.
fn note_command(key: &KeyEvent, ctrl: bool, plain: bool) -> Option<Command> {
    use InputRequest::*;
    use KeyCode::*;
    let edit = |r| Some(Command::Edit(r));
    match key.code {
        Backspace => edit(DeletePrevChar),
        Delete => edit(DeleteNextChar),
        Left => edit(GoToPrevChar),
        Right => edit(GoToNextChar),
        Home => edit(GoToStart),
        End => edit(GoToEnd),
        Char('u') if ctrl => edit(DeleteLine),
        Char('w') if ctrl => edit(DeletePrevWord),
        Char(c) if plain => Some(Command::Type(c)),
        _ => None,
    }
}

fn list_command(ctx: Context, key: &KeyEvent, plain: bool) -> Option<Command> {
    use KeyCode::*;
    match key.code {
        Up => Some(Command::Up),
        Down => Some(Command::Down),
        // A supervisor's list holds thousands, and today's as many.
        PageUp if matches!(ctx, Context::List | Context::Today) => Some(Command::PageUp),
        PageDown if matches!(ctx, Context::List | Context::Today) => Some(Command::PageDown),
        Home if matches!(ctx, Context::List | Context::Today) => Some(Command::Top),
        End if matches!(ctx, Context::List | Context::Today) => Some(Command::Bottom),
        Esc | Backspace => Some(Command::Back),
        Tab | BackTab if ctx == Context::List => Some(Command::Back),
        Enter if ctx != Context::Detail => Some(Command::Open),
        Char(c) if plain => match (ctx, c) {
            (_, 'k') => Some(Command::Up),
            (_, 'j') => Some(Command::Down),
            (Context::Today, 'q' | 't') | (Context::Detail, 'q') => Some(Command::Back),
            (Context::Today, 'o') => Some(Command::Operators),
            (Context::List | Context::Detail, 't') => Some(Command::Today),
            (Context::List, 'o') => Some(Command::Open),
            (Context::List | Context::Detail, 'r') => Some(Command::Recheck),
            (Context::List | Context::Detail, 'c') => Some(Command::MarkChecked),
            (Context::List | Context::Detail, 's') => Some(Command::SendAgain),
            (Context::Detail, 'p') => Some(Command::Print),
            (Context::List, 'x') => Some(Command::ClearDone),
            _ => None,
        },
        _ => None,
    }
}

/// A key and what it does, for the bar and the help overlay.
pub type Hint = (&'static str, &'static str);

/// What the selected (or shown) payment allows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Allowed {
    pub recheck: bool,
    pub mark_checked: bool,
    pub send_again: bool,
    /// A paid payment, and a printer to print its receipt on.
    pub print: bool,
    pub open: bool,
    /// Finished rows are in the pending pane.
    pub clear_done: bool,
    /// The report shown is of a day still open, and this operator may close it.
    pub close_day: bool,
    /// There is another provider to switch to.
    pub switch: bool,
    /// Today's screen names several operators: `o` shows every one's day.
    pub people: bool,
    /// Every operator's day is shown: `o` goes back to the payments.
    pub people_shown: bool,
}

/// What this person may ever do here, whatever is selected: help lists only these keys.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rights {
    /// Close a day (not an agent of `lipa serve`).
    pub close_day: bool,
    /// Mark a payment checked (not an agent of `lipa serve`).
    pub mark_checked: bool,
    /// One of this operator's providers has channels (its form has a channel field).
    pub channels: bool,
    /// More than one provider to switch between.
    pub switch: bool,
}

/// The keys that work now, most useful first (the bar shows as many as fit).
pub fn hints(lang: Lang, ctx: Context, allowed: Allowed) -> Vec<Hint> {
    let mut v: Vec<Hint> = Vec::new();
    match ctx {
        Context::Confirm => {
            return vec![
                (s::key_yes(lang), s::do_yes(lang)),
                (s::key_no(lang), s::do_no(lang)),
            ];
        }
        Context::Note => {
            return vec![
                (s::KEY_ENTER, s::do_mark_checked(lang)),
                (s::KEY_ESC, s::do_no(lang)),
            ];
        }
        Context::Help => {
            return vec![
                (s::KEY_ESC, s::do_close(lang)),
                (s::KEY_CTRL_C, s::do_quit(lang)),
            ];
        }
        Context::Field(f) => {
            v.push((s::KEY_ENTER, s::do_send(lang)));
            if f == Field::Channel {
                v.push((s::KEY_LEFT_RIGHT, s::do_channel(lang)));
            }
            v.push((s::KEY_TAB, s::do_next_field(lang)));
        }
        Context::List => {
            if allowed.open {
                v.push((s::KEY_ENTER, s::do_open(lang)));
            }
            v.push((s::KEY_JK, s::do_move(lang)));
        }
        Context::Today => {
            if allowed.open {
                v.push((s::KEY_ENTER, s::do_open(lang)));
            }
            v.push((s::KEY_JK, s::do_move(lang)));
            if allowed.people_shown {
                v.push((s::KEY_O, s::do_payments(lang)));
            } else if allowed.people {
                v.push((s::KEY_O, s::do_operators(lang)));
            }
        }
        Context::Detail => {
            if allowed.print {
                v.push((s::KEY_P, s::do_print(lang)));
            }
        }
        Context::Report => {
            v.push((s::KEY_LEFT_RIGHT, s::do_other_day(lang)));
            v.push((s::KEY_JK, s::do_scroll(lang)));
            if allowed.close_day {
                v.push((s::KEY_Z, s::do_close_day(lang)));
            }
        }
        Context::Search => {
            v.push((s::KEY_ENTER, s::do_open(lang)));
            v.push((s::KEY_UP_DOWN, s::do_move(lang)));
        }
    }
    if matches!(ctx, Context::List | Context::Detail) {
        if allowed.recheck {
            v.push((s::KEY_R, s::do_recheck(lang)));
        }
        if allowed.mark_checked {
            v.push((s::KEY_C, s::do_mark_checked(lang)));
        }
        if allowed.send_again {
            v.push((s::KEY_S, s::do_send_again(lang)));
        }
    }
    match ctx {
        Context::List | Context::Detail | Context::Today | Context::Report | Context::Search => {
            v.push((s::KEY_ESC, s::do_back(lang)))
        }
        _ => {}
    }
    // Clearing acts on the pending list: offered where it shows (its key works anywhere).
    if allowed.clear_done && matches!(ctx, Context::Field(_) | Context::List) {
        v.push((s::KEY_CTRL_X, s::do_clear(lang)));
    }
    // The provider is the form's: offered where the form shows (its key works anywhere).
    if allowed.switch && matches!(ctx, Context::Field(_) | Context::List) {
        v.push((s::KEY_CTRL_P, s::do_switch(lang)));
    }
    if ctx != Context::Today {
        v.push((s::KEY_CTRL_T, s::do_today(lang)));
    }
    if ctx != Context::Report {
        v.push((s::KEY_CTRL_R, s::do_report(lang)));
    }
    if ctx != Context::Search {
        v.push((s::KEY_CTRL_F, s::do_search(lang)));
    }
    v.push((s::KEY_HELP, s::do_help(lang)));
    v.push((s::KEY_CTRL_C, s::do_quit(lang)));
    v.push((s::KEY_CTRL_G, s::do_language(lang)));
    v
}

/// The channel keys' help, naming the providers whose rows have channels (made once).
pub fn help_channel(lang: Lang) -> &'static str {
    static TEXTS: std::sync::OnceLock<Vec<(Lang, String)>> = std::sync::OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        // One name per configuration: the words its rows' labels share (`pawaPay`).
        let mut named: Vec<(&str, String)> = Vec::new();
        for spec in crate::provider_kind::ProviderKind::ALL
            .into_iter()
            .map(|k| k.spec())
            .filter(|s| s.channels.is_some())
        {
            match named
                .iter_mut()
                .find(|(section, _)| *section == spec.section)
            {
                Some((_, name)) => {
                    let shared: Vec<&str> = name
                        .split(' ')
                        .zip(spec.label.split(' '))
                        .take_while(|(a, b)| a == b)
                        .map(|(a, _)| a)
                        .collect();
                    *name = shared.join(" ");
                }
                None => named.push((spec.section, spec.label.to_string())),
            }
        }
        let labels: Vec<&str> = named.iter().map(|(_, name)| name.as_str()).collect();
        Lang::ALL
            .into_iter()
            .map(|l| (l, s::help_channel(l, &labels.join(" / "))))
            .collect()
    });
    texts
        .iter()
        .find(|(l, _)| *l == lang)
        .map_or("", |(_, t)| t.as_str())
}

/// Every binding this person can use, for the help overlay (an agent is not offered `z` or
/// `c`, nor a channel or a switch they do not have).
pub fn help(lang: Lang, rights: Rights) -> Vec<Hint> {
    let mut v = vec![
        (s::KEY_TAB_BOTH, s::help_tab(lang)),
        (s::KEY_ENTER, s::help_enter(lang)),
    ];
    if rights.channels {
        v.push((s::KEY_LEFT_RIGHT_SPACE, help_channel(lang)));
    }
    v.push((s::KEY_EDITING, s::help_edit(lang)));
    v.push((s::KEY_JK, s::help_move(lang)));
    v.push((s::KEY_PAGES, s::help_page(lang)));
    v.push((s::KEY_R, s::help_recheck(lang)));
    if rights.mark_checked {
        v.push((s::KEY_C, s::help_mark_checked(lang)));
    }
    v.extend([
        (s::KEY_S, s::help_send_again(lang)),
        (s::KEY_P, s::help_print(lang)),
        (s::KEY_ESC, s::help_back(lang)),
        (s::KEY_CTRL_X_X, s::help_clear(lang)),
        (s::KEY_CTRL_L, s::help_repaint(lang)),
        (s::KEY_CTRL_G, s::help_language(lang)),
    ]);
    if rights.switch {
        v.push((s::KEY_CTRL_P, s::help_switch(lang)));
    }
    v.push((s::KEY_CTRL_T_T, s::help_today(lang)));
    v.push(if rights.close_day {
        (s::KEY_CTRL_R_Z, s::help_report(lang))
    } else {
        (s::KEY_CTRL_R, s::help_report_view(lang))
    });
    v.extend([
        (s::KEY_CTRL_F, s::help_search(lang)),
        (s::key_yes_no(lang), s::help_answer(lang)),
        (s::KEY_CTRL_C, s::help_quit(lang)),
    ]);
    v
}
