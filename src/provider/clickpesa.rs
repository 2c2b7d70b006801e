//! ClickPesa (Tanzania, TZS).
