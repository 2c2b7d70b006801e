//! `lipa backup`: a copy of the journal, what a copy holds, and a chain's ledger (pg_dump).

use std::path::Path;

sentences! {
    fn backup_written(path: &Path = Path::new("/mnt/usb/lipa-2026-12-06.sqlite3")) {
        en: format!("backup written: {}", path.display()),
        sw: format!("nakala imeandikwa: {}", path.display()),
    }
    fn backup_holds(payments: i64 = 1204, open: i64 = 3, closings: i64 = 41) {
        en: format!("{payments} payments, {open} still open, {closings} closed days"),
        sw: format!("malipo {payments}, {open} bado wazi, siku {closings} zimefungwa"),
    }
    fn backup_newest(reference: &str = "LP2SB7EFY85T9TS", when: &str = "2026-12-06 14:02") {
        en: format!("newest payment: {reference}, {when}"),
        sw: format!("malipo ya mwisho: {reference}, {when}"),
    }
    fn backup_no_payments() {
        en: "no payments in it".to_string(),
        sw: "hakuna malipo ndani yake".to_string(),
    }
    fn backup_sound(schema: usize = 10) {
        en: format!("schema version {schema}, as this lipa writes it; integrity check: ok"),
        sw: format!("toleo {schema} la daftari, kama lipa hii inavyoliandika; ukaguzi wa uadilifu: sawa"),
    }
    fn backup_older(schema: usize = 7, now: usize = 10) {
        en: format!(
            "schema version {schema}, of an older lipa: this lipa (version {now}) brings it up to date when it opens it; integrity check: ok"
        ),
        sw: format!(
            "toleo {schema} la daftari, la lipa ya zamani: lipa hii (toleo {now}) inalisasisha inapolifungua; ukaguzi wa uadilifu: sawa"
        ),
    }
    fn backup_newer(schema: usize = 12, now: usize = 10) {
        en: format!(
            "schema version {schema}, of a newer lipa: this lipa (version {now}) refuses to open it; restore it with that lipa or a newer one"
        ),
        sw: format!(
            "toleo {schema} la daftari, la lipa mpya zaidi: lipa hii (toleo {now}) inakataa kulifungua; lirejeshe kwa lipa hiyo au mpya zaidi"
        ),
    }
    fn backup_damaged(what: &str = "row 12 missing from index payments_open") {
        en: format!("the integrity check found damage: {what}; do not restore it"),
        sw: format!("ukaguzi wa uadilifu umepata uharibifu: {what}; usilirejeshe"),
    }
    fn backup_of_damaged_journal(what: &str = "row 12 missing from index payments_open") {
        en: format!(
            "but the journal itself is damaged ({what}): this copy was rebuilt from what could still be read, and checks ok; keep the journal as it is too, and restore from this copy (README: Restoring a till)"
        ),
        sw: format!(
            "lakini daftari lenyewe limeharibika ({what}): nakala hii imejengwa upya kwa kilichoweza kusomwa, na imepita ukaguzi; hifadhi daftari kama lilivyo pia, na urejeshe kutoka nakala hii (README: Restoring a till)"
        ),
    }
    fn backup_is_journal(path: &Path = Path::new("/var/lib/lipa/journal.sqlite3")) {
        en: format!("{} is in lipa's data directory, beside its journal: a backup goes elsewhere, e.g. /mnt/usb/lipa.sqlite3; nothing was written", path.display()),
        sw: format!("{} iko kwenye saraka ya data ya lipa, kando ya daftari lake: nakala inaenda mahali pengine, mfano /mnt/usb/lipa.sqlite3; hakuna kilichoandikwa", path.display()),
    }
    fn backup_a_directory() {
        en: "it is a directory",
        sw: "ni saraka",
    }
    fn backup_not_a_file(path: &Path = Path::new("/dev/null")) {
        en: format!("{} is not a file (a device, a pipe or a socket): name a file for the backup; nothing was written", path.display()),
        sw: format!("{} si faili (ni kifaa, bomba au soketi): taja faili la nakala; hakuna kilichoandikwa", path.display()),
    }
    fn backup_not_journal(path: &Path = Path::new("notes.txt"), why: &str = "file is not a database") {
        en: format!("{} is not a lipa journal: {why}", path.display()),
        sw: format!("{} si daftari la lipa: {why}", path.display()),
    }
    fn backup_failed(path: &Path = Path::new("/mnt/usb/lipa.sqlite3"), why: &str = "No space left on device") {
        en: format!("no backup written to {}: {why}; the journal is as it was", path.display()),
        sw: format!("hakuna nakala iliyoandikwa kwenye {}: {why}; daftari liko kama lilivyokuwa", path.display()),
    }
    fn backup_unsound(why: &str = "schema 9 in the copy, 10 in the journal") {
        en: format!("the copy did not check out ({why}) and was not kept"),
        sw: format!("nakala haikupita ukaguzi ({why}) na haikuhifadhiwa"),
    }
    fn backup_is_directory(path: &Path = Path::new("/mnt/usb/")) {
        en: format!("{} is a directory: name the backup file, e.g. {}/lipa.sqlite3", path.display(), path.display().to_string().trim_end_matches('/')),
        sw: format!("{} ni saraka: taja faili la nakala, mfano {}/lipa.sqlite3", path.display(), path.display().to_string().trim_end_matches('/')),
    }
    fn backup_no_journal(path: &Path = Path::new("/var/lib/lipa/journal.sqlite3")) {
        en: format!("no journal at {}: nothing to back up (LIPA_DATA_DIR names the data directory)", path.display()),
        sw: format!("hakuna daftari kwenye {}: hakuna cha kunakili (LIPA_DATA_DIR inataja saraka ya data)", path.display()),
    }
    fn backup_chain(command: &str = "pg_dump --format=custom --file=lipa-ledger.dump 'postgres://till@db.example.com/lipa?sslmode=verify-full'") {
        en: format!(
            "this till records into the chain's shared ledger (database_url): back it up with PostgreSQL's own tool, where the database can be reached (pg_dump asks for the password, or reads PGPASSWORD or ~/.pgpass):\n  {command}"
        ),
        sw: format!(
            "kaunta hii inaandika kwenye daftari kuu la mnyororo (database_url): lichukulie nakala kwa zana ya PostgreSQL yenyewe, mahali hifadhidata inapofikiwa (pg_dump inauliza nenosiri, au inasoma PGPASSWORD au ~/.pgpass):\n  {command}"
        ),
    }
}
