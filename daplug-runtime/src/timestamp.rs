//! RFC 3339 timestamps for latest-wins locking: a small, panic-free parser to an instant.

/// A parsed timestamp: the instant it names (for values without an offset: as if they were UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Timestamp {
    /// Whole seconds since 1970-01-01T00:00:00Z (negative before).
    pub(crate) seconds: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub(crate) nanos: u32,
    /// Whether the text carried an offset (`Z` or `±hh:mm`).
    pub(crate) zoned: bool,
}

/// A byte cursor over ASCII text; every accessor is bounds-checked (no panics on short input).
struct Cursor<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Cursor<'_> {
    fn digits(&mut self, count: usize) -> Option<u32> {
        let slice = self.bytes.get(self.pos..self.pos.checked_add(count)?)?;
        let mut value = 0u32;
        for &b in slice {
            if !b.is_ascii_digit() {
                return None;
            }
            value = value * 10 + u32::from(b - b'0');
        }
        self.pos += count;
        Some(value)
    }

    fn next(&mut self) -> Option<u8> {
        let b = *self.bytes.get(self.pos)?;
        self.pos += 1;
        Some(b)
    }

    fn expect(&mut self, wanted: u8) -> Option<()> {
        (self.next()? == wanted).then_some(())
    }

    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn done(&self) -> bool {
        self.pos == self.bytes.len()
    }
}

/// Parses an RFC 3339 date-time, or a date, or a date-time without offset (see [`LockPolicy::LatestWins`]).
///
/// Seconds may be `60` (a leap second), which counts as the first second of the next minute.
pub(crate) fn parse_timestamp(text: &str) -> Option<Timestamp> {
    let mut c = Cursor { bytes: text.as_bytes(), pos: 0 };
    let year = c.digits(4)?;
    c.expect(b'-')?;
    let month = c.digits(2)?;
    c.expect(b'-')?;
    let day = c.digits(2)?;
    if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
        return None;
    }
    let midnight = days_from_civil(i64::from(year), month, day) * 86_400;
    if c.done() {
        return Some(Timestamp { seconds: midnight, nanos: 0, zoned: false });
    }
    if !matches!(c.next()?, b'T' | b't' | b' ') {
        return None;
    }
    let hour = c.digits(2)?;
    c.expect(b':')?;
    let minute = c.digits(2)?;
    c.expect(b':')?;
    let second = c.digits(2)?;
    if hour > 23 || minute > 59 || second > 60 {
        return None;
    }
    let nanos = if c.peek() == Some(b'.') {
        c.pos += 1;
        fraction(&mut c)?
    } else {
        0
    };
    let (offset_seconds, zoned) = match c.next() {
        None => (0, false),
        Some(b'Z' | b'z') => (0, true),
        Some(sign @ (b'+' | b'-')) => {
            let oh = c.digits(2)?;
            c.expect(b':')?;
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return None;
            }
            let magnitude = i64::from(oh * 3600 + om * 60);
            (if sign == b'-' { -magnitude } else { magnitude }, true)
        }
        Some(_) => return None,
    };
    if !c.done() {
        return None;
    }
    let seconds = midnight + i64::from(hour * 3600 + minute * 60 + second) - offset_seconds;
    Some(Timestamp { seconds, nanos, zoned })
}

/// 1 to 9 fractional-second digits, as nanoseconds. More digits would need rounding; RFC 3339 allows
/// them, but no DynamoDB producer we know of writes them, so they are refused rather than truncated.
fn fraction(c: &mut Cursor<'_>) -> Option<u32> {
    let mut nanos = 0u32;
    let mut count = 0u32;
    while let Some(d) = c.peek().filter(u8::is_ascii_digit) {
        count += 1;
        if count > 9 {
            return None;
        }
        nanos = nanos * 10 + u32::from(d - b'0');
        c.pos += 1;
    }
    if count == 0 {
        return None;
    }
    Some(nanos * 10u32.pow(9 - count))
}

fn is_leap(year: u32) -> bool {
    year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month_from_march = i64::from((month + 9) % 12);
    let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}
