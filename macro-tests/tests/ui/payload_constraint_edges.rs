fn main() {
    // Values at the edges of their constraints compile; one item too many does not.
    let booking = daplug_runtime::payload!("fixtures/bookings.yml", Booking {
        "pk": "a",
        "seats": 10,
        "price": 12.5,
        "code": "ABC",
        "id": "123e4567-e89b-12d3-a456-426614174000",
        "tags": ["x", "x", "y"],
    });
    let _ = booking.expect("no follow-on errors");
}
