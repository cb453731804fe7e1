import Foundation
import PostPurchaseCore

/// The shipment state machine: pure functions from (shipment, carrier update or time) to the new
/// shipment and what should be announced. No I/O, no clock: tested as plain values.
///
/// Rules (issue 3, "Shipment state"):
/// - An update older than the current status's event time never applies; neither does one whose
///   status ranks below the current one (``ShipmentStatus/rank``), nor the same status again.
/// - After ``ShipmentStatus/exception`` or ``ShipmentStatus/attemptFailed`` any newer progress applies;
///   a problem may interrupt any non-final status.
/// - ``ShipmentStatus/delivered`` is final except for ``ShipmentStatus/returnedToSender``;
///   returned-to-sender and cancelled are final.
/// - ``ShipmentStatus/unknown`` never changes a shipment.
public enum ShipmentTimeline {
    /// A customer message a step calls for, with the cause its notification id derives from.
    public struct Message: Sendable, Equatable {
        /// The template.
        public var template: NotificationTemplate
        /// Unique per message: a redelivered update yields the same cause.
        public var cause: String
        /// For `shipment.delayed`: why.
        public var reason: DelayReason?
    }

    /// What one update (or the promise check) does to a shipment.
    public struct Step: Sendable, Equatable {
        /// The shipment afterwards.
        public var shipment: Shipment
        /// Its status before.
        public var previousStatus: ShipmentStatus
        /// Whether the canonical status changed (→ `shipment.status_changed`).
        public var statusChanged: Bool
        /// Whether it became delivered now (→ `shipment.delivered`).
        public var becameDelivered: Bool
        /// Delay reasons raised now, each once per shipment (→ `shipment.delayed`).
        public var delays: [DelayReason]
        /// Customer messages to send.
        public var messages: [Message]

        init(_ shipment: Shipment) {
            self.shipment = shipment
            previousStatus = shipment.status
            statusChanged = false
            becameDelivered = false
            delays = []
            messages = []
        }
    }

    /// Whether a shipment in `current` (set by an event at `since`) moves to `status` seen at `time`.
    public static func accepts(_ status: ShipmentStatus, at time: Date, current: ShipmentStatus, since: Date?) -> Bool {
        if status == .unknown || status == current { return false }
        if let since, time < since { return false }
        switch current {
        case .returnedToSender, .cancelled: return false
        case .delivered: return status == .returnedToSender
        case .exception, .attemptFailed: return status.rank >= ShipmentStatus.inTransit.rank
        case .unknown, .labelCreated, .inTransit, .outForDelivery, .availableForPickup:
            return status.isProblem || status.rank >= current.rank
        }
    }

    /// Applies a carrier update to a shipment.
    public static func apply(_ update: CarrierUpdate, to shipment: Shipment) -> Step {
        var step = Step(shipment)
        var next = shipment
        guard accepts(update.status, at: update.occurredAt, current: shipment.status, since: shipment.statusAt) else {
            // The same status again, newer: only refresh the estimate and whereabouts, silently.
            if update.status == shipment.status, update.occurredAt >= (shipment.statusAt ?? .distantPast) {
                next.estimatedDelivery = update.estimatedDelivery ?? next.estimatedDelivery
                next.location = update.location ?? next.location
                next.message = update.message ?? next.message
                step.shipment = next
            }
            return step
        }
        next.status = update.status
        next.statusAt = update.occurredAt
        next.estimatedDelivery = update.estimatedDelivery ?? next.estimatedDelivery
        next.location = update.location
        next.message = update.message
        step.statusChanged = true
        if update.status == .delivered {
            next.deliveredAt = update.occurredAt
            step.becameDelivered = true
        }
        if next.kind == .outbound {
            let at = millis(update.occurredAt)
            switch update.status {
            case .inTransit where !shipment.announcedInTransit:
                step.messages.append(Message(template: .shipmentInTransit, cause: "\(NotificationTemplate.shipmentInTransit):\(next.key)"))
            case .outForDelivery:
                step.messages.append(Message(template: .shipmentOutForDelivery, cause: "\(NotificationTemplate.shipmentOutForDelivery):\(next.key):\(at)"))
            case .availableForPickup:
                step.messages.append(Message(template: .shipmentAvailableForPickup, cause: "\(NotificationTemplate.shipmentAvailableForPickup):\(next.key):\(at)"))
            case .attemptFailed:
                step.messages.append(Message(template: .shipmentAttemptFailed, cause: "\(NotificationTemplate.shipmentAttemptFailed):\(next.key):\(at)"))
                raise(.attemptFailed, on: &next, step: &step, message: false)
            case .exception:
                raise(.carrierException, on: &next, step: &step, message: true)
            case .delivered:
                step.messages.append(Message(template: .shipmentDelivered, cause: "\(NotificationTemplate.shipmentDelivered):\(next.key)"))
                // Delivered after the promise, but the promise timer has not fired (the worker was
                // catching up): the promise was still missed. No apology on top of "delivered".
                if let promisedBy = next.promisedBy, update.occurredAt > promisedBy {
                    raise(.promiseMissed, on: &next, step: &step, message: false)
                }
            default:
                break
            }
            // Once the parcel moves, a later in-transit scan is no longer the "first scan".
            if update.status.rank >= ShipmentStatus.inTransit.rank { next.announcedInTransit = true }
        }
        step.shipment = next
        return step
    }

    /// The durable timer at `promisedBy` fired: an outbound parcel not delivered (nor returned or
    /// cancelled) by then has missed its promise, announced once.
    ///
    /// Decided by event time, not by when the check runs: a parcel whose delivery scan is already
    /// applied missed the promise only if it was delivered after it (then without an apology on top
    /// of "delivered").
    public static func checkPromise(_ shipment: Shipment) -> Step {
        var step = Step(shipment)
        guard shipment.kind == .outbound else { return step }
        var next = shipment
        if shipment.status == .delivered {
            guard let deliveredAt = shipment.deliveredAt, let promisedBy = shipment.promisedBy, deliveredAt > promisedBy else { return step }
            raise(.promiseMissed, on: &next, step: &step, message: false)
            step.shipment = next
            return step
        }
        guard !shipment.status.isFinal else { return step }
        raise(.promiseMissed, on: &next, step: &step, message: true)
        step.shipment = next
        return step
    }

    /// Raises a delay reason once per shipment; the apology message goes with it when asked
    /// (a failed attempt has its own message instead).
    private static func raise(_ reason: DelayReason, on shipment: inout Shipment, step: inout Step, message: Bool) {
        guard !shipment.delays.contains(reason) else { return }
        shipment.delays.append(reason)
        step.delays.append(reason)
        if message {
            step.messages.append(Message(
                template: .shipmentDelayed, cause: "\(NotificationTemplate.shipmentDelayed):\(shipment.key):\(reason.rawValue)", reason: reason))
        }
    }

    private static func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }
}
