import Foundation
@testable import Followup
@testable import PostPurchaseCore
import PostPurchaseTesting
import PropertyBased
import Testing

/// The marketing rules hold for any deliveries: every review request is sent (none dropped),
/// never inside the customer's quiet hours, and no two within 24 h.
// A failing property shrinks its input; the limit turns a pathological shrink into a failure, not a hung CI.
@Suite("Marketing cap, as a property", .timeLimit(.minutes(5)))
struct MarketingCapPropertyTests {
    typealias F = FollowupFixture

    @Test func anyDeliveriesGiveEveryMessageItsOwnDayOutsideQuietHours() async {
        let zones = ["Asia/Riyadh", "America/New_York", "Europe/Berlin"]
        // Up to six orders of one customer, delivered at random minutes over ten days around a DST change.
        await propertyCheck(count: 40, input: Gen.int(in: 0...(10 * 1_440)).array(of: 1...6), Gen.int(in: 0...2)) { minutes, zone in
            var journey = try FollowupJourney(start: "2025-03-01T00:00:00Z")
            let start = F.date("2025-03-02T00:00:00Z")
            for index in minutes.indices {
                let order = "ORD-\(index)"
                try journey.paid(F.paid(order, lines: [F.Line(sku: "MUG-\(index)", category: "home")], at: "2025-03-01T12:00:00Z", zone: zones[zone]))
                try journey.dispatched(F.dispatched(order, shipment: "SHP-\(index)", items: [("MUG-\(index)", 1)]), at: "2025-03-01T13:00:00Z")
            }
            for (index, minute) in minutes.enumerated().sorted(by: { $0.element < $1.element }) {
                try journey.delivered("ORD-\(index)", shipment: "SHP-\(index)", at: F.iso(start.addingTimeInterval(Double(minute) * 60)))
            }
            try journey.advance(to: "2025-05-01T00:00:00Z")
            let reviews = try journey.messages(.reviewRequest).map(\.sendAt).sorted()
            #expect(reviews.count == minutes.count, "every review request sent, none dropped")
            for (earlier, later) in zip(reviews, reviews.dropFirst()) {
                #expect(later.timeIntervalSince(earlier) >= 24 * 3_600)
            }
            let calendar = QuietWindow.calendar(zone: zones[zone])
            let quiet = try QuietWindow(FollowupPolicy())
            for sendAt in reviews {
                let local = calendar.dateComponents([.hour, .minute], from: sendAt)
                #expect(!quiet.contains(minuteOfDay: local.hour! * 60 + local.minute!), "\(F.iso(sendAt)) in \(zones[zone])")
            }
        }
    }
}
