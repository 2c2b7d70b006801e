//! What `lipa serve` says: its start line, and what an SSH visitor reads when the server will
//! not give them a console, or ends one.

use super::Lang;

/// Lines for someone whose language is not known yet (before a login): in Swahili, then in
/// English.
pub fn both(sentence: impl Fn(Lang) -> String) -> String {
    format!("{}\r\n{}", sentence(Lang::Sw), sentence(Lang::En))
}

/// The same on one line (an SSH disconnect reason is shown as one).
pub fn both_line(sentence: impl Fn(Lang) -> String) -> String {
    format!("{} / {}", sentence(Lang::Sw), sentence(Lang::En))
}

/// [`made_room`] in both languages (the connection's user is not known yet).
pub fn made_room_both() -> String {
    both_line(made_room)
}

/// [`room_full`] in both languages (the connection's user is not known yet).
pub fn room_full_both() -> String {
    both_line(room_full)
}

sentences! {
    fn listening(addr: &str = "127.0.0.1:2222", operators: usize = 3, fingerprint: &str = "SHA256:abc") {
        en: format!("lipa serve: listening on {addr} for {operators} operator key(s); host key {fingerprint}"),
        sw: format!("lipa serve: inasikiliza {addr} kwa funguo {operators} za wahudumu; ufunguo wa seva {fingerprint}"),
    }
    fn listening_http(addr: &str = "127.0.0.1:8089") {
        en: format!("lipa serve: receiving the providers' callbacks on http://{addr}/hooks/<provider> (a hint: each payment is asked about at once)"),
        sw: format!("lipa serve: inapokea simu za majibu za watoa huduma kwenye http://{addr}/hooks/<provider> (dokezo: kila malipo yanaulizwa mara moja)"),
    }
    fn http_open_to_all(addr: &str = "0.0.0.0:8089") {
        en: format!("lipa serve: warning: the callbacks' receiver on {addr} is plain HTTP reachable from beyond this machine; put it on 127.0.0.1 behind the shop's HTTPS proxy (README: Callbacks)"),
        sw: format!("lipa serve: tahadhari: kipokezi cha simu za majibu kwenye {addr} ni HTTP isiyo salama inayofikiwa kutoka nje ya mashine hii; kiweke kwenye 127.0.0.1 nyuma ya proksi ya HTTPS ya duka (README: Callbacks)"),
    }
    fn no_ssh_no_http() {
        en: "lipa serve: --ssh off needs --http ADDR (or [serve] http): there would be nothing to serve",
        sw: "lipa serve: --ssh off inahitaji --http ADDR (au http ya [serve]): hakungekuwa na cha kuhudumia",
    }
    fn listening_demo(addr: &str = "127.0.0.1:2222", fingerprint: &str = "SHA256:abc") {
        en: format!("lipa serve --demo: the demo (no real money) for anyone on {addr}; host key {fingerprint}"),
        sw: format!("lipa serve --demo: majaribio (si pesa halisi) kwa yeyote kwenye {addr}; ufunguo wa seva {fingerprint}"),
    }
    fn stopped() {
        en: "lipa serve: stopped; unfinished payments stay in the journal.",
        sw: "lipa serve: imesimama; malipo yasiyokamilika yamebaki kwenye daftari.",
    }
    fn bad_address(addr: &str = "localhost:twenty") {
        en: format!("{addr}: not an address to listen on; write HOST:PORT, e.g. 0.0.0.0:2222."),
        sw: format!("{addr}: si anwani ya kusikiliza; andika HOST:PORT, mfano 0.0.0.0:2222."),
    }
    fn cannot_listen(addr: &str = "0.0.0.0:22", why: &str = "permission denied") {
        en: format!("cannot listen on {addr}: {why}"),
        sw: format!("haiwezi kusikiliza {addr}: {why}"),
    }
    fn no_operators_file(path: &str = "/home/duka/.config/lipa/operators") {
        en: format!("{path}: no operators file. List each agent's public key there (see lipa operators check), or serve the demo with lipa serve --demo."),
        sw: format!("{path}: hakuna faili la wahudumu. Weka ufunguo wa umma wa kila wakala humo (tazama lipa operators check), au hudumia majaribio kwa lipa serve --demo."),
    }
    fn no_operators(path: &str = "/home/duka/.config/lipa/operators") {
        en: format!("{path}: lists no operator; nobody could log in."),
        sw: format!("{path}: halina mhudumu yeyote; hakuna ambaye angeweza kuingia."),
    }
    fn host_key_open(path: &str = "/var/lib/lipa/ssh_host_ed25519_key", mode: u32 = 0o644) {
        en: format!("{path}: the host key is readable by others (mode {mode:o}): anyone with a copy can pose as this server. Run chmod 600 on it."),
        sw: format!("{path}: ufunguo wa seva unasomeka na wengine (ruhusa {mode:o}): yeyote mwenye nakala anaweza kujifanya seva hii. Endesha chmod 600 juu yake."),
    }
    fn host_key_unreadable(path: &str = "/var/lib/lipa/ssh_host_ed25519_key", why: &str = "invalid PEM") {
        en: format!("{path}: the host key cannot be read: {why}"),
        sw: format!("{path}: ufunguo wa seva hausomeki: {why}"),
    }
    fn host_key_unwritable(path: &str = "/var/lib/lipa/ssh_host_ed25519_key", why: &str = "read-only file system") {
        en: format!("{path}: the new host key cannot be written: {why}"),
        sw: format!("{path}: ufunguo mpya wa seva hauwezi kuandikwa: {why}"),
    }
    fn use_ssh_t(host: &str = "duka.example") {
        en: format!("lipa needs a terminal: connect with ssh -t {host}"),
        sw: format!("lipa inahitaji terminal: unganisha kwa ssh -t {host}"),
    }
    fn console_only(host: &str = "duka.example") {
        en: format!("lipa gives a console only, no commands or files: connect with ssh -t {host}"),
        sw: format!("lipa inatoa dirisha tu, si amri wala mafaili: unganisha kwa ssh -t {host}"),
    }
    fn too_many_of_yours(n: usize = 3) {
        en: match n {
            1 => "You already have a session open: close it first.".to_string(),
            n => format!("You already have {n} sessions open: close one first."),
        },
        sw: match n {
            1 => "Tayari una kipindi kilicho wazi: kifunge kwanza.".to_string(),
            n => format!("Tayari una vipindi {n} vilivyo wazi: funga kimoja kwanza."),
        },
    }
    fn server_full() {
        en: "The server is full right now: try again in a few minutes.",
        sw: "Seva imejaa sasa hivi: jaribu tena baada ya dakika chache.",
    }
    fn no_provider_for_you() {
        en: "None of the providers you may use is set up on this server: ask your supervisor.",
        sw: "Hakuna mtoa huduma unayeruhusiwa aliyewekwa kwenye seva hii: muulize msimamizi wako.",
    }
    fn idle_warning() {
        en: "No key for a while: this session closes in a minute. Press any key to stay.",
        sw: "Hakuna kitufe kwa muda: kipindi hiki kitafungwa baada ya dakika moja. Bonyeza kitufe chochote ili kubaki.",
    }
    fn idle_closed(minutes: u64 = 30) {
        en: format!("Closed after {minutes} min without a key. Your payments are safe and still followed."),
        sw: format!("Imefungwa baada ya dakika {minutes} bila kitufe. Malipo yako ni salama na bado yanafuatiliwa."),
    }
    fn key_removed() {
        en: "Your key was taken off the operators list, so this session is closed. Your payments are still followed.",
        sw: "Ufunguo wako umeondolewa kwenye orodha ya wahudumu, kwa hiyo kipindi hiki kimefungwa. Malipo yako bado yanafuatiliwa.",
    }
    fn rights_changed() {
        en: "Your line in the operators list changed, so this session is closed: connect again. Your payments are still followed.",
        sw: "Maelezo yako kwenye orodha ya wahudumu yamebadilika, kwa hiyo kipindi hiki kimefungwa: unganisha tena. Malipo yako bado yanafuatiliwa.",
    }
    fn stopping() {
        en: "The server is stopping. Your payments are safe in the journal and are followed again when it starts.",
        sw: "Seva inasimama. Malipo yako yako salama kwenye daftari na yatafuatiliwa tena itakapoanza.",
    }
    fn session_broke() {
        en: "Something went wrong in this session, so it was closed. Your payments are safe: connect again.",
        sw: "Hitilafu imetokea kwenye kipindi hiki, kwa hiyo kimefungwa. Malipo yako ni salama: unganisha tena.",
    }
    fn demo_failed(why: &str = "address in use") {
        en: format!("The demo could not start: {why}"),
        sw: format!("Majaribio hayakuweza kuanza: {why}"),
    }
    fn client_behind(secs: u64 = 90) {
        en: format!("Your connection took nothing from the server for {secs} s, so it was closed. Your payments are safe: connect again."),
        sw: format!("Muunganisho wako haukupokea chochote kutoka kwa seva kwa sekunde {secs}, kwa hiyo umefungwa. Malipo yako ni salama: unganisha tena."),
    }
    fn list_untrusted(supervisor: bool = false) {
        en: format!("The operators list on the server can be changed by others right now, so nobody may log in and this session is closed. Your payments are still followed: {}",
            if supervisor { "whoever runs the server must let only lipa's own account change that file (`lipa doctor` on the server says what is wrong)." } else { "tell your supervisor." }),
        sw: format!("Orodha ya wahudumu kwenye seva inaweza kubadilishwa na wengine sasa hivi, kwa hiyo hakuna anayeweza kuingia na kipindi hiki kimefungwa. Malipo yako bado yanafuatiliwa: {}",
            if supervisor { "anayeendesha seva aruhusu akaunti ya lipa pekee kubadilisha faili hiyo (`lipa doctor` kwenye seva inaeleza tatizo)." } else { "mjulishe msimamizi wako." }),
    }
    fn banner_failures(failures: usize = 5, minutes: u64 = 10) {
        en: format!("lipa: {} from your address failed in the last {minutes} minutes. Keys on this server's operators list still get in; other keys and passwords do not. If your key is new, ask your supervisor to add it.",
            if failures == 1 { "1 login".to_string() } else { format!("{failures} logins") }),
        sw: format!("lipa: {} kutoka anwani yako {} katika dakika {minutes} zilizopita. Funguo zilizo kwenye orodha ya wahudumu ya seva hii bado zinaingia; funguo nyingine na nywila haziingii. Kama ufunguo wako ni mpya, muulize msimamizi wako auongeze.",
            if failures == 1 { "jaribio 1 la kuingia".to_string() } else { format!("majaribio {failures} ya kuingia") },
            if failures == 1 { "limeshindwa" } else { "yameshindwa" }),
    }
    fn no_password_here(minutes: u64 = 10) {
        en: format!("lipa takes keys only, never passwords, and too many logins from your address failed in the last {minutes} minutes: this connection is closed. Ask your supervisor to add your key."),
        sw: format!("lipa inapokea funguo tu, si nywila, na majaribio mengi ya kuingia kutoka anwani yako yameshindwa katika dakika {minutes} zilizopita: muunganisho huu umefungwa. Muulize msimamizi wako aongeze ufunguo wako."),
    }
    fn made_room() {
        en: "Too many connections were waiting to log in here, and this one had waited long without logging in, so it was closed: connect again.",
        sw: "Miunganisho mingi ilikuwa ikisubiri kuingia hapa, na huu ulisubiri muda mrefu bila kuingia, kwa hiyo umefungwa: unganisha tena.",
    }
    fn room_full() {
        en: "Too many connections are logging in here at this moment, so this one was not taken: connect again in a few seconds.",
        sw: "Miunganisho mingi inaingia hapa wakati huu, kwa hiyo huu haukupokelewa: unganisha tena baada ya sekunde chache.",
    }
    fn this_machine_only(port: u16 = 2222) {
        en: format!(" (this machine only: --ssh 0.0.0.0:{port} lets other machines in)"),
        sw: format!(" (kompyuta hii tu: --ssh 0.0.0.0:{port} inaruhusu kompyuta nyingine)"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_is_said_as_one_in_both_languages() {
        assert!(too_many_of_yours(Lang::En, 1).contains("a session open"));
        assert!(too_many_of_yours(Lang::Sw, 1).contains("kipindi kilicho wazi"));
        assert!(too_many_of_yours(Lang::En, 3).contains("3 sessions"));
        assert!(banner_failures(Lang::En, 1, 10).contains(" 1 login from"));
        assert!(banner_failures(Lang::Sw, 1, 10).contains("jaribio 1 la kuingia"));
        assert!(banner_failures(Lang::Sw, 1, 10).contains("limeshindwa"));
        assert!(banner_failures(Lang::Sw, 5, 10).contains("majaribio 5 ya kuingia"));
    }
}
