//! The `format`s that are checked: `date-time`, `date`, `time` (RFC 3339), `uuid` (RFC 4122's
//! text), `email` (RFC 5321's mailbox, without quoted local parts or comments), `uri` (RFC 3986,
//! absolute), `ipv4` and `ipv6` (RFC 2673 / 4291 text). Any other format (`int64`, `byte`,
//! `hostname`, a vendor's own) is not checked.

use std::net::{Ipv4Addr, Ipv6Addr};

/// A checked `format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// `date-time`: `2024-01-31T10:20:30.5Z`, `…+01:00`.
    DateTime,
    /// `date`: `2024-01-31`.
    Date,
    /// `time`: `10:20:30Z`, with its offset.
    Time,
    /// `uuid`: `123e4567-e89b-12d3-a456-426614174000` (any case).
    Uuid,
    /// `email`: `local@domain`.
    Email,
    /// `uri`: an absolute URI (`https://example.com/a?b#c`, `urn:isbn:0451450523`).
    Uri,
    /// `ipv4`: dotted quad, no leading zeros.
    Ipv4,
    /// `ipv6`.
    Ipv6,
}

impl Format {
    /// The checked format a schema's `format` names, if it is one.
    pub fn from_name(name: &str) -> Option<Format> {
        Some(match name {
            "date-time" => Format::DateTime,
            "date" => Format::Date,
            "time" => Format::Time,
            "uuid" => Format::Uuid,
            "email" => Format::Email,
            "uri" => Format::Uri,
            "ipv4" => Format::Ipv4,
            "ipv6" => Format::Ipv6,
            _ => return None,
        })
    }

    /// The name a schema writes.
    pub fn name(self) -> &'static str {
        match self {
            Format::DateTime => "date-time",
            Format::Date => "date",
            Format::Time => "time",
            Format::Uuid => "uuid",
            Format::Email => "email",
            Format::Uri => "uri",
            Format::Ipv4 => "ipv4",
            Format::Ipv6 => "ipv6",
        }
    }
}

/// Whether `text` is written in `format`.
pub fn matches(format: Format, text: &str) -> bool {
    match format {
        Format::DateTime => date_time(text),
        Format::Date => date(text),
        Format::Time => time(text),
        Format::Uuid => uuid(text),
        Format::Email => email(text),
        Format::Uri => uri(text),
        Format::Ipv4 => text.parse::<Ipv4Addr>().is_ok(),
        Format::Ipv6 => text.parse::<Ipv6Addr>().is_ok(),
    }
}

/// `n` ASCII digits at the start of `text`, as a number, and the rest.
fn digits(text: &str, n: usize) -> Option<(u32, &str)> {
    let head = text.get(..n)?;
    if !head.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some((head.parse().ok()?, &text[n..]))
}

/// RFC 3339 `full-date`: `YYYY-MM-DD`, the day within its month (leap years counted).
fn date(text: &str) -> bool {
    let parse = || {
        let (year, rest) = digits(text, 4)?;
        let (month, rest) = digits(rest.strip_prefix('-')?, 2)?;
        let (day, rest) = digits(rest.strip_prefix('-')?, 2)?;
        let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (rest.is_empty() && (1..=days).contains(&day)).then_some(())
    };
    parse().is_some()
}

/// RFC 3339 `full-time`: `HH:MM:SS`, an optional fraction, and the offset (`Z` or `±HH:MM`).
fn time(text: &str) -> bool {
    let parse = || {
        let (hour, rest) = digits(text, 2)?;
        let (minute, rest) = digits(rest.strip_prefix(':')?, 2)?;
        let (second, mut rest) = digits(rest.strip_prefix(':')?, 2)?;
        if let Some(fraction) = rest.strip_prefix('.') {
            let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
            if len == 0 {
                return None;
            }
            rest = &fraction[len..];
        }
        let offset_ok = match rest {
            "Z" | "z" => true,
            _ => {
                let sign = rest.strip_prefix(['+', '-'])?;
                let (oh, tail) = digits(sign, 2)?;
                let (om, tail) = digits(tail.strip_prefix(':')?, 2)?;
                tail.is_empty() && oh < 24 && om < 60
            }
        };
        // A leap second (60) is allowed, as RFC 3339 allows it.
        (offset_ok && hour < 24 && minute < 60 && second <= 60).then_some(())
    };
    parse().is_some()
}

/// RFC 3339 `date-time`: a date, `T` (or `t`, or a space is *not* allowed), a time.
fn date_time(text: &str) -> bool {
    match text.find(['T', 't']) {
        Some(at) => date(&text[..at]) && time(&text[at + 1..]),
        None => false,
    }
}

/// `8-4-4-4-12` hex digits.
fn uuid(text: &str) -> bool {
    let groups: Vec<&str> = text.split('-').collect();
    groups.len() == 5
        && groups.iter().zip([8, 4, 4, 4, 12]).all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()))
}

/// `local@domain`: a dot-atom local part and a domain of labels (or an address literal).
fn email(text: &str) -> bool {
    let Some((local, domain)) = text.rsplit_once('@') else {
        return false;
    };
    let atext = |c: char| c.is_ascii_alphanumeric() || "!#$%&'*+-/=?^_`{|}~".contains(c) || !c.is_ascii();
    let local_ok = !local.is_empty()
        && local.len() <= 64
        && local.split('.').all(|part| !part.is_empty() && part.chars().all(atext));
    let domain_ok = if let Some(literal) = domain.strip_prefix('[').and_then(|d| d.strip_suffix(']')) {
        literal.parse::<Ipv4Addr>().is_ok()
            || literal.strip_prefix("IPv6:").is_some_and(|a| a.parse::<Ipv6Addr>().is_ok())
    } else {
        !domain.is_empty()
            && domain.len() <= 255
            && domain.split('.').all(|label| {
                !label.is_empty()
                    && label.len() <= 63
                    && !label.starts_with('-')
                    && !label.ends_with('-')
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || !c.is_ascii())
            })
    };
    local_ok && domain_ok
}

/// RFC 3986 `URI`: a scheme, `:`, then only characters a URI may hold (percent-escapes complete).
fn uri(text: &str) -> bool {
    let Some((scheme, rest)) = text.split_once(':') else {
        return false;
    };
    let scheme_ok = scheme.starts_with(|c: char| c.is_ascii_alphabetic())
        && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    let bytes = rest.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'%' => {
                if !(bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit)
                    && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit))
                {
                    return false;
                }
                at += 3;
            }
            b if b.is_ascii_alphanumeric() || b"-._~:/?#[]@!$&'()*+,;=".contains(&b) => at += 1,
            _ => return false,
        }
    }
    scheme_ok && rest.matches('#').count() <= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_format_accepts_its_text_and_refuses_near_misses() {
        let cases: &[(Format, &[&str], &[&str])] = &[
            (
                Format::DateTime,
                &["2024-01-31T10:20:30Z", "2024-02-29T23:59:60.123+01:00", "2024-01-31t10:20:30z"],
                &["2024-01-31 10:20:30Z", "2023-02-29T10:20:30Z", "2024-01-31T10:20:30", "2024-01-31T24:00:00Z"],
            ),
            (Format::Date, &["2024-01-31", "2000-02-29"], &["2024-1-31", "1900-02-29", "2024-04-31", "2024-01-31Z"]),
            (Format::Time, &["10:20:30Z", "00:00:00.5-05:30"], &["10:20:30", "10:20Z", "25:00:00Z", "10:20:30+5"]),
            (
                Format::Uuid,
                &["123e4567-e89b-12d3-a456-426614174000", "123E4567-E89B-12D3-A456-426614174000"],
                &[
                    "123e4567e89b12d3a456426614174000",
                    "123e4567-e89b-12d3-a456-42661417400g",
                    "{123e4567-e89b-12d3-a456-426614174000}",
                ],
            ),
            (
                Format::Email,
                &["a@example.com", "first.last+tag@sub.example.co", "x@[192.0.2.1]"],
                &["a@", "@example.com", "a b@example.com", "a..b@example.com", "a@-example.com", "plain"],
            ),
            (
                Format::Uri,
                &["https://example.com/a?b=1#c", "urn:isbn:0451450523", "mailto:a@example.com", "http://x/%20"],
                &["/relative/path", "http://exa mple.com", "1http://x", "http://x/%zz", "http://x/#a#b"],
            ),
            (Format::Ipv4, &["192.0.2.1", "0.0.0.0"], &["192.0.2", "256.0.0.1", "01.2.3.4", "::1"]),
            (
                Format::Ipv6,
                &["::1", "2001:db8::8a2e:370:7334", "::ffff:192.0.2.1"],
                &["2001:db8:::1", "192.0.2.1", "fe80::1%eth0"],
            ),
        ];
        for (format, good, bad) in cases {
            for text in *good {
                assert!(matches(*format, text), "{} should accept {text}", format.name());
            }
            for text in *bad {
                assert!(!matches(*format, text), "{} should refuse {text}", format.name());
            }
            assert_eq!(Format::from_name(format.name()), Some(*format));
        }
        assert_eq!(Format::from_name("hostname"), None);
    }
}
