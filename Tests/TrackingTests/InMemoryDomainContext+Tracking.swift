import Foundation
import PostPurchaseTesting
import Tracking

extension InMemoryDomainContext {
    /// Moves the clock and fires every tracking timer now due, earliest first.
    mutating func advance(to time: Date, with tracker: ShipmentTracker) throws {
        try advance(to: time) { timer, context in try tracker.fire(timer, context: &context) }
    }
}
