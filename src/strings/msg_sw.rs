//! [`Msg`] in Swahili (Tanzanian forms), in the voice of `../shared/swahili.md`: to the cashier
//! in the plain imperative, of the customer in the third person. Provider words shown as the
//! provider wrote them stay as they are.
//!
//! Sentences end with a full stop; the transport details (`Timeout`, `Http`, …) are fragments
//! that read inside another sentence's parentheses.

use crate::msg::Msg;
use crate::provider_kind::ProviderKind;

/// `sekunde 45`, `dakika 1 sekunde 30`, `dakika 2`, `saa 1 dakika 5`: exact, never rounded.
pub fn span(secs: u64) -> String {
    match secs {
        s if s < 60 => format!("sekunde {s}"),
        s if s < 3600 => match s % 60 {
            0 => format!("dakika {}", s / 60),
            r => format!("dakika {} sekunde {r}", s / 60),
        },
        s => match (s % 3600) / 60 {
            0 => format!("saa {}", s / 3600),
            m => format!("saa {} dakika {m}", s / 3600),
        },
    }
}

fn sentence(text: &str) -> String {
    let t = text.trim();
    if t.is_empty() || t.ends_with(['.', '!', '?', '…']) {
        t.to_string()
    } else {
        format!("{t}.")
    }
}

fn fragment(m: &Msg) -> String {
    text(m).trim_end_matches('.').to_string()
}

fn p(provider: &ProviderKind) -> &'static str {
    provider.label()
}

/// A provider's status word in lower case, dashes as spaces.
fn quiet(word: &str) -> String {
    word.trim().to_lowercase().replace(['-', '_'], " ")
}

pub fn text(m: &Msg) -> String {
    use Msg::*;
    match m {
        Empty => String::new(),
        Text { text } => text.clone(),
        Said { text } => sentence(text),

        PromptSent => "Ombi limetumwa; inasubiri mteja aweke PIN.".into(),
        Paid => "Imelipwa.".into(),
        CustomerCancelled => "Mteja amesitisha ombi.".into(),
        LowBalance => "Mteja hana salio la kutosha.".into(),
        WrongPin => "Mteja ameweka PIN isiyo sahihi.".into(),
        CustomerTimedOut => "Mteja hakujibu — muda wa ombi umeisha.".into(),
        FailedNoReason { word } => format!(
            "Malipo hayakukamilika (mtoa huduma anasema {}).",
            quiet(word)
        ),
        Reported { word } => format!(
            "Mtoa huduma anaripoti {}: kagua malipo haya kwenye dashibodi ya mtoa huduma.",
            quiet(word)
        ),
        UnknownWord { word } => format!(
            "Mtoa huduma anasema '{}', hali ambayo lipa haijui; bado inasubiri.",
            word.trim()
        ),
        NotFoundYet => "Mtoa huduma bado hana kumbukumbu yake.".into(),

        AmountDiffers { charged, got } => format!(
            "Mtoa huduma anaripoti {got}, lakini lipa iliomba {charged}: kagua kabla ya kutoa \
             bidhaa."
        ),
        ReferenceDiffers { expected, got } => {
            format!("Mtoa huduma amejibu kwa kumbukumbu {got}, si {expected}: kagua.")
        }
        PhoneDiffers { charged, got } => format!(
            "Mtoa huduma anasema {got} amelipa, lakini ombi lilikwenda kwa {charged}: kagua \
             kabla ya kutoa bidhaa."
        ),
        PaidWithoutAmount => "Mtoa huduma anasema imelipwa lakini hasemi kiasi na sarafu: \
                              kagua kwenye dashibodi ya mtoa huduma kabla ya kutoa bidhaa."
            .into(),
        ChangedAfterFinal { word } => format!(
            "Baada ya lipa kuyarekodi, mtoa huduma sasa anasema {word}: hakikisha na mtoa huduma \
             kabla ya kutoa au kurudisha bidhaa."
        ),
        SeveralPaid { n } => format!(
            "Mtoa huduma ana majaribio {n} yaliyofanikiwa chini ya kumbukumbu hii: kagua \
             kama mteja amelipishwa mara mbili."
        ),
        AttemptsUnordered => "Mtoa huduma ana majaribio kadhaa yasiyokubaliana chini ya \
                              kumbukumbu hii, na saa zake hazisomeki: kagua kwenye dashibodi \
                              ya mtoa huduma."
            .into(),

        NotSent { why } => format!(
            "Haikutumwa: {} Hakuna kilichotozwa.",
            sentence(text(why).trim_end_matches(" Hakuna kilichotumwa."))
        ),
        NotSentStopped => {
            "Haikutumwa: lipa ilisimama kabla ombi la kuweka PIN halijaombwa. Hakuna \
             kilichotozwa."
                .into()
        }
        AnswerLost { why } => format!(
            "Imetumwa, jibu limepotea: tunamuuliza mtoa huduma ({}).",
            fragment(why)
        ),
        ReferenceExists { provider } => format!(
            "Imetumwa, lakini {} anasema kumbukumbu hii imeshatumika: tunauliza ina nini.",
            p(provider)
        ),
        SendThrottled { provider } => format!(
            "Imetumwa, lakini {} ameomba lipa ipunguze kasi: tunauliza kama ombi liliundwa.",
            p(provider)
        ),

        NoAnswerByDeadline { secs } => format!(
            "Hakuna jibu la mwisho {} baada ya ombi: muulize mteja, angalia SMS yake, kisha \
             uliza tena.",
            span(*secs)
        ),
        NeverFound { secs } => format!(
            "Mtoa huduma hana kumbukumbu ya malipo haya {} baada ya kutuma: huenda \
             hayakumfikia. Kagua dashibodi ya mtoa huduma kabla ya kutuma tena.",
            span(*secs)
        ),
        CouldNotCheck { secs } => format!(
            "Haikuwezekana kukagua: hakuna jibu linalofaa kutoka kwa mtoa huduma kwa {} tangu \
             kutuma. Kagua dashibodi ya mtoa huduma kabla ya kutuma tena.",
            span(*secs)
        ),
        ProviderSilent { secs } => format!(
            "Hakuna jibu kutoka kwa mtoa huduma kwa {}: hakupatikana. Kagua dashibodi ya mtoa \
             huduma, kisha uliza tena.",
            span(*secs)
        ),
        QueryFailed { why } => format!(
            "Ukaguzi wa hali umeshindwa ({}); lipa itauliza tena.",
            fragment(why)
        ),

        NetworkDown { provider } => format!(
            "Haikuwezekana kumfikia {}: angalia mtandao wa intaneti. Hakuna kilichotumwa.",
            p(provider)
        ),
        Unreachable { provider } => format!("haikuwezekana kumfikia {}", p(provider)),
        NoUsableAnswer { provider, detail } => {
            format!(
                "hakuna jibu linalofaa kutoka {}: {}",
                p(provider),
                fragment(detail)
            )
        }
        OutcomeUnknown { provider, detail } => {
            format!(
                "hakuna jibu wazi kutoka {}: {}",
                p(provider),
                fragment(detail)
            )
        }
        Throttled { provider } => format!("{} ameomba lipa ipunguze kasi", p(provider)),
        Timeout => "hakuna jibu kwa wakati".into(),
        Broken => "muunganisho ulikatika kabla ya jibu".into(),
        Http { status, said } => match said.as_deref().map(str::trim) {
            Some(s) if !s.is_empty() => format!("HTTP {status}: {}", s.trim_end_matches('.')),
            _ => format!("HTTP {status}"),
        },
        NotJson { status } => format!("HTTP {status} na ukurasa usio JSON"),
        BadJson { status } => format!("HTTP {status} na jibu ambalo lipa haiwezi kusoma"),
        PathNotFound { provider, hint } => format!(
            "{} amejibu HTTP 404 (ukurasa haupo): angalia anwani ya msingi (base URL); kwa \
             kawaida huishia na {hint}.",
            p(provider)
        ),

        CredentialsRefused { provider, said } => format!(
            "{} amekataa vitambulisho ({}): angalia {}.",
            p(provider),
            said.trim().trim_end_matches('.'),
            provider.spec().credential_places()
        ),
        SignatureRefused { provider, skew } => signature_refused(provider, *skew),
        AccessRefused { provider, detail } => format!(
            "{} amekataa kuingia ({}): angalia vitambulisho na ruhusa za akaunti.",
            p(provider),
            fragment(detail)
        ),
        Redirected {
            provider,
            status,
            location,
        } => format!(
            "{} amejibu HTTP {status}, akielekeza kwingine ({location}): angalia anwani ya \
             msingi kwenye mipangilio. Hakuna kilichotumwa.",
            p(provider)
        ),
        RequestNotBuilt { provider } => format!(
            "lipa haikuweza kutengeneza ombi kwa {}: angalia anwani yake ya msingi na funguo \
             kwenye mipangilio (nafasi au mistari mipya isiyotakiwa?). Hakuna kilichotumwa.",
            p(provider)
        ),
        BadBaseUrl { provider } => format!(
            "Anwani ya msingi ya {} kwenye mipangilio haitumiki. Hakuna kilichotumwa.",
            p(provider)
        ),
        TokenMissing { provider } => format!(
            "Jibu la tokeni la {} halikuwa na tokeni: angalia {}.",
            p(provider),
            provider.spec().credential_places()
        ),
        TokenRefusedAfterRefresh { provider, detail } => format!(
            "{} imekataa tokeni mpya ({}): angalia ruhusa za programu, na kama \
             mpangilio wa checksum umebadilishwa sasa hivi.",
            p(provider),
            fragment(detail)
        ),
        ChecksumRefused { provider, said } => format!(
            "{0} imekataa checksum ({1}): angalia checksum key, na kama checksum \
             zimewashwa kwenye dashibodi ya {0}. Hakuna kilichotumwa.",
            p(provider),
            said.trim().trim_end_matches('.')
        ),

        WrongCurrency {
            provider,
            expected,
            got,
        } => format!(
            "{} anapokea {expected} tu, si {got}. Hakuna kilichotumwa.",
            p(provider)
        ),
        WrongCountry { provider } => format!(
            "{} hutuma kwa namba za {} tu. Hakuna kilichotumwa.",
            p(provider),
            provider.country().name()
        ),
        RefusedSilently { provider } => {
            format!("{} amekataa ombi bila kusema sababu.", p(provider))
        }
        AmountNotPositive => "Kiasi lazima kiwe zaidi ya sifuri. Hakuna kilichotumwa.".into(),
        WalletUnavailable { wallet, said } => match said.trim() {
            "" => format!("{wallet} haipatikani sasa."),
            s => format!("{wallet} haipatikani sasa: {}", sentence(s)),
        },
        CannotLookUp { provider } => format!(
            "Imetumwa, lakini jibu halikufika, na {n} inaweza kuulizwa kuhusu ombi kwa namba \
             iliyo kwenye jibu hilo tu: huenda mteja amelipa. {} Usiitume tena.",
            by_hand(provider),
            n = p(provider)
        ),
        CannotLookUpYet { provider } => format!(
            "Imetumwa, lakini jibu halikufika: huenda mteja amelipa. Simu yake ya majibu kwa \
             kawaida huja ndani ya dakika moja, kisha lipa inaiuliza {n} na kuyamaliza yenyewe. \
             Yakiendelea kusubiri hapa baada ya dakika chache: {} Usiitume tena.",
            by_hand(provider),
            n = p(provider)
        ),
        PhoneBusy { .. } => {
            "Tayari kuna ombi wazi kwenye simu hii: subiri dakika moja, kisha tuma tena.".into()
        }
        SameWithinMinutes { provider, minutes } => format!(
            "{} haikubali kiasi kilekile kwa mteja yuleyule mara mbili ndani ya dakika \
             {minutes}: subiri, kisha tuma tena.",
            p(provider)
        ),
        AccountTypeRefused { provider, code } => format!(
            "{} imekataa namba ya mfanyabiashara au aina yake (msimbo {code}): angalia \
             shortcode na till kwenye mipangilio.",
            p(provider)
        ),
        BadSetting { provider, key } => format!(
            "{} haiwezi kutumia {key} iliyo kwenye mipangilio: iangalie (LIPA_{}_{}).",
            p(provider),
            provider.spec().section.to_ascii_uppercase(),
            key.to_ascii_uppercase()
        ),
        TokenTakenElsewhere { provider } => format!(
            "{n} imekataa tokeni iliyochukuliwa sasa hivi: lipa nyingine inayotumia programu \
             ileile ya {n} (saraka nyingine ya data, au mashine nyingine) imechukua mpya, na \
             kila tokeni mpya inamaliza ya awali. Kila lipa ya programu moja lazima itumie \
             saraka moja ya data, au daftari kuu moja la mnyororo.",
            n = p(provider)
        ),
        SettledByPerson { who, paid } => format!(
            "{}, kama {who} alivyothibitisha mwenyewe (mtoa huduma hakuweza kuulizwa).",
            if *paid { "Imelipwa" } else { "Haikulipwa" }
        ),
        NotApproved => "Mteja hakuidhinisha ombi (alilisitisha, au muda wake uliisha).".into(),
        PhoneBusyFor { provider, minutes } => format!(
            "Tayari kuna ombi wazi kwenye simu hii: {} inasema jipya linaweza kuchukua hadi \
             dakika {minutes}. Mwombe mteja alimalize au alisitishe, kisha tuma tena.",
            p(provider)
        ),
        PayerNotFound { wallet } => format!(
            "Namba hii haijasajiliwa kwenye {wallet}: kagua namba, au chagua pochi ya mteja."
        ),
        PayerLimit => "Kikomo cha pochi ya mteja kimefikiwa (cha siku au cha malipo).".into(),
        WalletLimit => "Kikomo cha duka kwa pochi hii kimefikiwa: uliza mtoa huduma.".into(),
        AmountLimits { min, max } => {
            format!("Pochi hii inapokea kuanzia {min} hadi {max} kwa malipo. Hakuna kilichotumwa.")
        }
        SentAgain { provider, times } => format!(
            "{} haikuwa imeyapokea: yametumwa tena kwa kitambulisho kilekile (mara ya \
             {times}); hayatozwi mara mbili.",
            p(provider)
        ),
        NeverReached { provider, secs } => format!(
            "Hayakufika {}: bado hakuna kumbukumbu yake {} baada ya kutumwa mara ya mwisho. \
             Hakuna aliyetozwa; unaweza kuyatuma tena.",
            p(provider),
            span(*secs)
        ),
        Reconciling { provider } => format!(
            "{} inathibitisha matokeo na pochi: bado yanasubiri, hakuna la kufanya.",
            p(provider)
        ),
        AlreadyReceived { provider } => format!(
            "{} tayari ilikuwa nayo malipo haya: tunayafuatilia.",
            p(provider)
        ),
        HookHeard {
            provider,
            check,
            from,
        } => format!(
            "{} imepiga simu ya majibu ({}, kutoka {from}): imeulizwa sasa; jibu lake pekee \
             ndilo linabadilisha malipo.",
            p(provider),
            match check.as_str() {
                "signed" => "sahihi imethibitishwa",
                "token" => "anwani ya malipo haya pekee",
                "refused" => "sahihi yake HAIKUTHIBITISHWA",
                _ => "bila sahihi",
            }
        ),
        HookDisagrees { provider, what } => format!(
            "{} imepiga simu ya majibu kuhusu malipo haya ikiwa na {what}, ambayo si kile lipa \
             iliomba: imehifadhiwa kwa mtu, haichukuliwi kama pesa.",
            p(provider)
        ),
        StillReconciling { provider, secs } => format!(
            "{n} bado inathibitisha matokeo na pochi, {} baada ya ombi; lipa inaendelea \
             kuuliza. Usipokee pesa kwa njia nyingine hadi yakamilike: angalia SMS ya mteja.",
            span(*secs),
            n = p(provider)
        ),
        AmountNotWhole { provider } => format!(
            "{} inapokea kiasi kamili tu (bila senti). Hakuna kilichotumwa.",
            p(provider)
        ),
        Ambiguous { provider } => format!(
            "{} bado haiwezi kusema kama yamepita (msimbo 999): tunaendelea kuuliza.",
            p(provider)
        ),
        OrderTaken { provider } => format!(
            "{} tayari ina mauzo mengine kwa kumbukumbu hii (kaunta nyingine iliitumia): \
             yatume tena kwa kumbukumbu nyingine.",
            p(provider)
        ),
        MustReconcile { provider, secs } => format!(
            "{n} bado haiwezi kusema kama yamelipwa, {} baada ya ombi: {n} lazima \
             iyapatanishe. Muulize {n} kuhusu kumbukumbu hii, na angalia SMS ya mteja. \
             Usiyatume tena hadi hapo.",
            span(*secs),
            n = p(provider)
        ),
    }
}

/// Where a person checks a payment lipa cannot ask about, in the provider's own words.
fn by_hand(provider: &ProviderKind) -> String {
    provider
        .spec()
        .by_hand
        .map(|f| f(crate::lang::Lang::Sw))
        .unwrap_or_default()
}

/// A signed request refused (see the English).
fn signature_refused(provider: &ProviderKind, skew: Option<i64>) -> String {
    let n = p(provider);
    match skew {
        Some(s) if s.unsigned_abs() >= 30 => format!(
            "{n} imekataa ombi (UNAUTHORIZED). Sababu mbili zinazowezekana: saa ya mashine \
             hii {} kwa {} ukilinganisha na ya {n} (kwa kichwa cha Date ambacho {n} \
             ilituma), hivyo muda wa ombi unaonekana si sahihi: rekebisha saa au eneo lake la \
             muda; au {} si sahihi.",
            if s > 0 { "iko nyuma" } else { "iko mbele" },
            seconds(s.unsigned_abs()),
            keys(provider, "au")
        ),
        Some(s) => format!(
            "{n} imekataa ombi (UNAUTHORIZED): angalia funguo ({}). Saa ya mashine hii inakubaliana \
             na kichwa cha Date cha {n} (tofauti ya sekunde {}): si chanzo.",
            keys(provider, "na"),
            s.unsigned_abs()
        ),
        None => format!(
            "{n} imekataa ombi (UNAUTHORIZED). Sababu mbili zinazowezekana: {} si sahihi, \
             au saa ya mashine hii si sahihi ({n} haikutuma kichwa cha Date cha \
             kulinganisha).",
            keys(provider, "au")
        ),
    }
}

/// The keys a refused signature names: `public key au secret key`.
fn keys(provider: &ProviderKind, joined_by: &str) -> String {
    provider
        .spec()
        .credentials
        .iter()
        .map(|k| k.replace('_', " "))
        .collect::<Vec<_>>()
        .join(&format!(" {joined_by} "))
}

fn seconds(n: u64) -> String {
    match n {
        n if n >= 7200 => format!("sekunde {n} (takriban saa {})", n / 3600),
        n if n >= 120 => format!("sekunde {n} (takriban dakika {})", n / 60),
        n => format!("sekunde {n}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_are_exact() {
        assert_eq!(span(19), "sekunde 19");
        assert_eq!(span(90), "dakika 1 sekunde 30");
        assert_eq!(span(120), "dakika 2");
    }
}
