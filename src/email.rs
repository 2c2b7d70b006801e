//! Customer e-mail addresses: whether a provider asks for one ([`EmailRule`]) and their shape.

/// Whether a provider takes the customer's e-mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EmailRule {
    /// It takes none: the form has no e-mail field.
    NotTaken,
    /// The cashier may type one; without it the provider's configured default is sent.
    Optional,
}

/// An address that does not look like `name@domain`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidEmail;

/// Checks the shape `name@domain.tld` without spaces; returns the trimmed address.
pub fn parse(text: &str) -> Result<String, InvalidEmail> {
    let t = text.trim();
    let ok = match t.split_once('@') {
        Some((user, domain)) => {
            !user.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && t.chars().all(|c| c.is_ascii_graphic())
        }
        None => false,
    };
    if ok {
        Ok(t.to_string())
    } else {
        Err(InvalidEmail)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn shapes() {
        assert!(super::parse("till@example.co.ke").is_ok());
        assert!(super::parse("a b@x.com").is_err());
        assert!(super::parse("ab@x").is_err());
        assert!(super::parse("@x.com").is_err());
    }
}
