//! `lipa doctor` (and `--json`): every check of `crate::doctor`, a line each, and whether a
//! sale can be taken: exit 0 yes, 3 with some provider but not everything configured works,
//! 4 no sale.

use crate::cli::{DoctorArgs, exit};
use crate::config::{Config, ConfigError};
use crate::doctor::{Finding, Sale};
use crate::strings::Lang;
use crate::strings::doctor as s;
use serde::Serialize;

#[derive(Serialize)]
struct Json<'a> {
    /// `yes`, `partly` or `no`.
    sale: &'a str,
    checks: Vec<Check<'a>>,
}

#[derive(Serialize)]
struct Check<'a> {
    area: &'a str,
    check: &'a str,
    status: crate::doctor::Verdict,
    /// In English.
    message: &'a str,
}

pub async fn run(args: DoctorArgs, config: Result<Config, ConfigError>, lang: Lang) -> u8 {
    let mut out = crate::outcome::Out::new(lang);
    if !args.json {
        out.line(&s::doctor_title(lang));
    }
    let found = crate::doctor::examine(&config).await;
    let sale = Sale::of(&found);
    for f in &found {
        tracing::info!(area = f.area.id(), check = f.check, verdict = ?f.verdict, said = %f.en, "doctor");
    }
    if args.json {
        let json = Json {
            sale: match sale {
                Sale::Yes => "yes",
                Sale::Partly => "partly",
                Sale::No => "no",
            },
            checks: found.iter().map(check).collect(),
        };
        out.line(&serde_json::to_string(&json).unwrap_or_default());
    } else {
        let width = found
            .iter()
            .map(|f| f.area.id().chars().count())
            .max()
            .unwrap_or(0);
        for f in &found {
            out.line(&format!(
                "{} {:<width$}  {}",
                f.verdict.mark(),
                f.area.id(),
                f.text(lang)
            ));
        }
        out.line(&match sale {
            Sale::Yes => s::doctor_sale_ok(lang),
            Sale::Partly => s::doctor_sale_partly(lang),
            Sale::No => s::doctor_sale_no(lang),
        });
    }
    let code = match sale {
        Sale::Yes => exit::PAID,
        Sale::Partly => exit::PENDING,
        Sale::No => exit::CONFIG,
    };
    out.finish_read("doctor", code)
}

fn check(f: &Finding) -> Check<'_> {
    Check {
        area: f.area.id(),
        check: f.check,
        status: f.verdict,
        message: &f.en,
    }
}
