//! The console's whole state. Changed only by [`crate::console::update::update`]; drawn by
//! [`crate::console::view::draw`].

mod list;
mod preview;
mod rows;

pub use list::Rows;
pub use preview::{PreviewKey, PreviewShown, PreviewState, QUIET};
pub use rows::{RECENT_MINUTES, counts_coarsely, is_done, is_waiting, shows_same};

use super::form::{Field, Form};
use super::keymap::{Allowed, Context};
use crate::journal::DaySummary;
use crate::lang::Lang;
use crate::payment::{Event, NewPayment, Payment, Status};
use crate::provider_kind::ProviderKind;
use chrono::{DateTime, FixedOffset, NaiveTime, TimeZone, Utc};
use std::collections::BTreeMap;
use std::time::Duration;

/// How long the prompt stays on the customer's phone (M-Pesa's is about a minute): after it,
/// a payment still pending is being checked, not waited for.
pub const PROMPT_LIFE: Duration = Duration::from_secs(60);
/// A send of this process takes at most this long to answer: a *sending* row older than this
/// was left by a process that stopped, and is being checked.
pub const SEND_TAKES: Duration = Duration::from_secs(5);
/// The duplicate guard's window (the engine's, asked again before sending).
pub use crate::engine::DUPLICATE_WINDOW;

/// The narrowest screen the console works on.
pub const MIN_COLUMNS: u16 = 30;

/// What the console starts with.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// Configured providers, in switcher order (at least one).
    pub providers: Vec<ProviderKind>,
    /// The provider the first payment goes to (the first configured one if not configured).
    pub provider: Option<ProviderKind>,
    pub demo: bool,
    pub bell: bool,
    pub no_color: bool,
    pub now: DateTime<Utc>,
    /// The till's time zone, for clock times and "today".
    pub offset: FixedOffset,
    /// Who is at the till.
    pub operator: String,
    pub lang: Lang,
    /// What this operator may do (the SSH server's agents have limits; a till has none).
    pub limits: Limits,
}

/// What an operator may see and do. The default is a till's: everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Limits {
    /// Only this operator's own payments are shown and counted (an agent of `lipa serve`).
    pub own_only: bool,
    /// Marking *attention* payments checked is a supervisor's (an agent of `lipa serve`).
    pub no_marking: bool,
    /// Largest amount of one payment.
    pub max_amount: crate::money::Ceiling,
}

/// The main area's screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Screen {
    /// Form and pending payments.
    Main,
    /// One payment and its history.
    Detail(i64),
    /// Today's payments and totals.
    Today,
    /// A day's report.
    Report,
    /// Searching the whole journal.
    Search,
}

/// The search screen: the line, and the payments found so far, newest first.
#[derive(Debug, Clone, Default)]
pub struct SearchView {
    pub query: tui_input::Input,
    pub rows: Vec<Payment>,
    pub cursor: usize,
    /// The query's generation: answers to older queries are dropped.
    pub generation: u64,
    /// A page is on its way.
    pub loading: bool,
    /// The last page read was full: there may be more.
    pub more: bool,
}

/// Payments read per page of a search.
pub const SEARCH_PAGE: usize = 50;

/// The report screen: which day, and what was read.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportView {
    pub day: chrono::NaiveDate,
    /// `None` while it is read.
    pub data: Option<Result<ReportData, super::trouble::Trouble>>,
    pub scroll: u16,
}

/// A day's report as the journal holds it: closed (its Z report) or as it stands.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportData {
    pub report: crate::report::DayReport,
    pub closing: Option<crate::journal::Closing>,
    pub till: String,
    /// A closed day's payments taken after it closed (in no Z report): how many, and the
    /// newest one's reference.
    pub late: Option<(usize, String)>,
}

/// Where keys go on the main screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Field(Field),
    List,
}

/// A question waiting for y or n.
#[derive(Debug, Clone, PartialEq)]
pub enum Confirm {
    /// Same phone and amount as a recent payment that did not fail.
    Duplicate {
        new: NewPayment,
        existing: Box<Payment>,
        /// The form still holds the payment (asked before clearing it).
        in_form: bool,
    },
    /// Send a failed payment again, with a new reference.
    SendAgain(Box<Payment>),
    /// Quit while this many payments are still waiting.
    Quit(usize),
    /// Switch provider: the phone and amount typed are for the other country and currency.
    Switch(ProviderKind),
    /// Close the day shown (a Z report); `unfinished` payments are still open or need a person.
    CloseDay {
        day: chrono::NaiveDate,
        unfinished: usize,
    },
    /// The wallet check said no wallet can take a push for this number: send anyway?
    NoWallet(NewPayment),
    /// A person has looked at this payment: confirm, with an optional note (typed here).
    MarkChecked { id: i64, note: String },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoticeKind {
    Info,
    Good,
    Bad,
}

/// One line of news for the cashier, until the next key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub text: String,
    pub kind: NoticeKind,
    /// The payment it speaks of: when that payment settles, the notice says so instead.
    pub about: Option<i64>,
}

/// Rows of today's list read from the journal at a time.
pub const TODAY_PAGE: usize = 100;

/// Today's payments: the totals, read from the journal, and a page of rows around the
/// selection — never all of a busy day's payments (a day of 5,000 took 13 MB and 10 ms a key).
#[derive(Debug, Clone, Default)]
pub struct Today {
    pub since: DateTime<Utc>,
    /// The day's counts and sums (`None` until read).
    pub summary: Option<DaySummary>,
    /// Rows read, newest first, from position `first` among all of today's.
    pub page: Vec<Payment>,
    pub first: usize,
    /// Position of the selected row among all of today's, newest first.
    pub cursor: usize,
    /// News changed today's payments: the totals are read again at the next tick.
    pub stale: bool,
    /// Today's callbacks that named no payment lipa holds, newest first (kept for a person;
    /// not read for an agent, who sees only their own payments).
    pub hooks: Vec<crate::journal::hooks::Hook>,
    /// Every operator's day shown whole (`o`; a supervisor of a hundred operators sees a few
    /// under the totals), from this line.
    pub people: Option<usize>,
}

impl Today {
    pub fn loaded(&self) -> bool {
        self.summary.is_some()
    }

    /// Payments today.
    pub fn count(&self) -> usize {
        self.summary.as_ref().map_or(0, |s| s.count as usize)
    }

    /// Lines of the operators' block (one per operator and currency).
    pub fn people_lines(&self) -> usize {
        self.summary.as_ref().map_or(0, |s| s.operators.len())
    }

    /// Whether the day is of several operators (a supervisor's, a chain's till).
    pub fn several_operators(&self) -> bool {
        self.summary.as_ref().is_some_and(|s| {
            s.operators
                .iter()
                .any(|o| o.operator != s.operators[0].operator)
        })
    }

    pub fn selected_payment(&self) -> Option<&Payment> {
        self.page.get(self.cursor.checked_sub(self.first)?)
    }

    /// Whether the payment is one of this day's: created from its midnight to the next (the
    /// day's report's bounds; a payment stamped later is another day's).
    pub fn holds(&self, p: &Payment) -> bool {
        p.created_at >= self.since && p.created_at < self.since + chrono::Duration::days(1)
    }

    /// Whether the row at `cursor` is in the page read.
    pub fn has_row(&self, cursor: usize) -> bool {
        cursor >= self.first && cursor < self.first + self.page.len()
    }
}

#[derive(Debug, Clone)]
pub struct App {
    pub providers: Vec<ProviderKind>,
    /// Where the next payment goes.
    pub provider: ProviderKind,
    pub demo: bool,
    pub bell: bool,
    pub no_color: bool,
    pub now: DateTime<Utc>,
    pub offset: FixedOffset,
    pub operator: String,
    pub limits: Limits,
    /// The language this console speaks (each console its own).
    pub lang: Lang,
    pub form: Form,
    pub focus: Focus,
    pub screen: Screen,
    pub help: bool,
    pub confirm: Option<Confirm>,
    /// Questions that arrived while another was open.
    pub later: Vec<Confirm>,
    pub notice: Option<Notice>,
    /// The pending pane: live payments and recently finished ones, by id.
    pub rows: Rows,
    /// Selected row of the pending pane.
    pub selected: Option<i64>,
    /// The payment the detail screen shows, and its history.
    pub detail: Option<Payment>,
    /// Where Esc goes from the detail screen.
    pub detail_from: Screen,
    pub history: Vec<Event>,
    pub today: Option<Today>,
    pub report: Option<ReportView>,
    pub search: Option<SearchView>,
    /// First line of the help overlay shown (it scrolls on small screens).
    pub help_scroll: u16,
    /// A re-check asked (`r`) and not answered yet: the payment, and how many answers it had
    /// when asked.
    pub asking: Option<(i64, u32)>,
    /// Failed payments sent again whose new payment is not recorded yet: not again.
    pub again_in_flight: std::collections::BTreeSet<i64>,
    /// Finished payments this console's operator cleared off the list: news of them (a
    /// chain's ledger read again) never brings them back.
    pub cleared: std::collections::BTreeSet<i64>,
    /// The next draw repaints the whole screen (Ctrl-L).
    pub repaint: bool,
    /// The wallet check for the phone and amount in the form.
    pub preview: PreviewState,
    /// Enter was pressed while the provider's new reference was on its way: send when it
    /// comes (forgotten if anything else is typed first).
    pub send_on_reference: bool,
    /// A fresh reference per provider, ready before it is needed: the form is whole again the
    /// moment a payment is sent or the provider switched, however fast the next keys come.
    pub spare: BTreeMap<ProviderKind, crate::reference::Reference>,
    /// The screen's columns and rows.
    pub size: (u16, u16),
    /// The shared ledger is out of reach (why): nothing can be sent until it is back.
    pub ledger_down: Option<String>,
    /// The journal cannot record what lipa learns (why: a full disk): open payments may have
    /// been answered meanwhile.
    pub journal_down: Option<String>,
    /// A receipt printer is configured.
    pub printer: bool,
    /// Something visible changed since the last draw.
    pub dirty: bool,
    /// The console should stop.
    pub quit: bool,
    /// A session of `lipa serve`: the server goes on following the payments after it ends.
    pub served: bool,
}

impl App {
    pub fn new(config: AppConfig) -> App {
        let provider = config
            .provider
            .filter(|p| config.providers.contains(p))
            .or_else(|| config.providers.first().copied())
            .unwrap_or(ProviderKind::ALL[0]);
        App {
            providers: config.providers,
            provider,
            demo: config.demo,
            bell: config.bell,
            no_color: config.no_color,
            now: config.now,
            offset: config.offset,
            operator: config.operator,
            lang: config.lang,
            form: Form {
                ceiling: config.limits.max_amount.clone(),
                channels: provider.spec().channels.map_or(&[][..], |t| t.known),
                ..Form::default()
            },
            limits: config.limits,
            focus: Focus::Field(Field::Phone),
            screen: Screen::Main,
            help: false,
            confirm: None,
            later: Vec::new(),
            notice: None,
            rows: Rows::default(),
            selected: None,
            detail: None,
            detail_from: Screen::Main,
            history: Vec::new(),
            today: None,
            report: None,
            search: None,
            help_scroll: 0,
            send_on_reference: false,
            asking: None,
            ledger_down: None,
            journal_down: None,
            spare: BTreeMap::new(),
            again_in_flight: std::collections::BTreeSet::new(),
            cleared: std::collections::BTreeSet::new(),
            repaint: false,
            preview: PreviewState::default(),
            size: (80, 24),
            printer: false,
            dirty: true,
            quit: false,
            served: false,
        }
    }

    /// The start of the till's day.
    pub fn start_of_day(&self) -> DateTime<Utc> {
        let local = self.now.with_timezone(&self.offset);
        let midnight = local.date_naive().and_time(NaiveTime::MIN);
        self.offset
            .from_local_datetime(&midnight)
            .single()
            .map_or(self.now, |t| t.with_timezone(&Utc))
    }

    /// The payment with this id, wherever the console knows it from.
    pub fn find(&self, id: i64) -> Option<&Payment> {
        self.rows
            .get(&id)
            .map(|p| &**p)
            .or_else(|| self.detail.as_ref().filter(|d| d.id == id))
            .or_else(|| {
                self.today
                    .as_ref()
                    .and_then(|t| t.page.iter().find(|p| p.id == id))
            })
            .or_else(|| {
                self.search
                    .as_ref()
                    .and_then(|s| s.rows.iter().find(|p| p.id == id))
            })
    }

    /// A payment to the same phone for the same amount in the duplicate guard's window, among
    /// the payments this console knows: asked about before the form is cleared. (The engine
    /// asks the journal again, in the transaction that records the payment.)
    pub fn recent_same(&self, new: &NewPayment) -> Option<&Payment> {
        let since = self.now - chrono::Duration::from_std(DUPLICATE_WINDOW).unwrap_or_default();
        let today = self.today.iter().flat_map(|t| t.page.iter());
        self.rows
            .values()
            .map(|p| &**p)
            .chain(today)
            .filter(|p| p.phone == new.phone.normalized() && p.amount == new.amount)
            .filter(|p| p.created_at >= since && !p.never_reached_anyone())
            .max_by_key(|p| p.id)
    }

    /// Where keys go now.
    pub fn context(&self) -> Context {
        match &self.confirm {
            Some(Confirm::MarkChecked { .. }) => return Context::Note,
            Some(_) => return Context::Confirm,
            None => {}
        }
        if self.help {
            return Context::Help;
        }
        match (self.screen, self.focus) {
            (Screen::Detail(_), _) => Context::Detail,
            (Screen::Today, _) => Context::Today,
            (Screen::Report, _) => Context::Report,
            (Screen::Search, _) => Context::Search,
            (Screen::Main, Focus::Field(f)) => Context::Field(f),
            (Screen::Main, Focus::List) => Context::List,
        }
    }

    /// The payment that r, c, s and Enter act on.
    pub fn focused_payment(&self) -> Option<&Payment> {
        match self.context() {
            Context::List => self
                .selected
                .and_then(|id| self.rows.get(&id))
                .map(|p| &**p),
            Context::Detail => self.detail.as_ref(),
            Context::Today => self.today.as_ref().and_then(Today::selected_payment),
            Context::Search => self.search.as_ref().and_then(|s| s.rows.get(s.cursor)),
            _ => None,
        }
    }

    /// What the focused payment allows.
    pub fn allowed(&self) -> Allowed {
        let allowed = self
            .focused_payment()
            .map_or_else(Allowed::default, |p| Allowed {
                recheck: !p.status.is_final() && crate::provider::spec::askable(p),
                mark_checked: (p.status == Status::Attention || p.flag.is_some())
                    && !p.checked
                    && !self.limits.no_marking,
                send_again: p.status == Status::Failed
                    && p.replaced_by.is_none()
                    && !self.again_in_flight.contains(&p.id),
                open: true,
                clear_done: false,
                print: p.status == Status::Paid && self.printer,
                close_day: false,
                switch: false,
                people: false,
                people_shown: false,
            });
        // An agent never closes the day, and a closed day is never closed again.
        let open_day = self
            .report
            .as_ref()
            .is_some_and(|v| matches!(&v.data, Some(Ok(d)) if d.closing.is_none()));
        let people_shown = self.context() == Context::Today
            && self.today.as_ref().is_some_and(|t| t.people.is_some());
        Allowed {
            clear_done: self.rows.finished().0 > 0,
            close_day: self.context() == Context::Report && open_day && !self.limits.own_only,
            switch: self.providers.len() > 1,
            people: self.today.as_ref().is_some_and(Today::several_operators),
            people_shown,
            open: allowed.open && !people_shown,
            ..allowed
        }
    }

    /// What this operator may ever do (the keys help offers).
    pub fn rights(&self) -> crate::console::keymap::Rights {
        crate::console::keymap::Rights {
            close_day: !self.limits.own_only,
            mark_checked: !self.limits.no_marking,
            channels: self.providers.iter().any(|k| k.spec().channels.is_some()),
            switch: self.providers.len() > 1,
        }
    }

    /// The smallest screen the console works on: the form whole, a line of the list, the bar.
    pub fn min_size(&self) -> (u16, u16) {
        (MIN_COLUMNS, 9 + self.fields().len() as u16)
    }

    /// Too small to show the form: the console says so and takes no keys but quitting.
    pub fn too_small(&self) -> bool {
        let (w, h) = self.min_size();
        self.size.0 < w || self.size.1 < h
    }

    /// The fields of the current provider's form.
    pub fn fields(&self) -> Vec<Field> {
        Field::all(self.provider)
    }
}
