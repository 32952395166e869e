fn main() {
    // Each value breaks one constraint of its field; the type is right.
    let booking = daplug_runtime::payload!("fixtures/bookings.yml", Booking {
        "pk": "a",
        "seats": 0,
        "price": 12.505,
        "code": "abc",
        "id": "not-a-uuid",
        "tags": ["x", ""],
    });
    let _ = booking.expect("no follow-on errors");
}
