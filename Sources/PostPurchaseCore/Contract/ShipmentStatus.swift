/// The canonical status every carrier format is mapped to (contract v1).
///
/// ``rank`` orders the statuses along a parcel's journey so that a late, older update can never
/// move a shipment back; the problem statuses (``exception``, ``attemptFailed``) may be followed
/// by progress, and the final ones end the journey (see ``isFinal``).
public enum ShipmentStatus: String, Codable, Sendable, CaseIterable, Comparable {
    /// The shipper created a label; the carrier does not have the parcel yet.
    case labelCreated = "label_created"
    /// The carrier has the parcel and is moving it.
    case inTransit = "in_transit"
    /// The parcel is with the driver for delivery today.
    case outForDelivery = "out_for_delivery"
    /// The parcel waits at a pickup point or carrier location.
    case availableForPickup = "available_for_pickup"
    /// The carrier tried to deliver and could not.
    case attemptFailed = "attempt_failed"
    /// The parcel reached the recipient.
    case delivered
    /// Something went wrong (held, damaged, lost, delayed, address problem).
    case exception
    /// The parcel is going or went back to the sender.
    case returnedToSender = "returned_to_sender"
    /// The label or shipment was cancelled.
    case cancelled
    /// No status, or one the mapping does not know.
    case unknown

    /// Position along the journey: higher is further. Equal ranks are alternatives, not progress.
    public var rank: Int {
        switch self {
        case .unknown: 0
        case .labelCreated: 1
        case .inTransit, .exception: 2
        case .attemptFailed: 3
        case .outForDelivery, .availableForPickup: 4
        case .delivered: 5
        case .returnedToSender, .cancelled: 6
        }
    }

    /// A problem that later progress may resolve.
    public var isProblem: Bool { self == .exception || self == .attemptFailed }

    /// Nothing follows, except ``returnedToSender`` after ``delivered``.
    public var isFinal: Bool { self == .delivered || self == .returnedToSender || self == .cancelled }

    /// Orders by ``rank``.
    public static func < (lhs: ShipmentStatus, rhs: ShipmentStatus) -> Bool { lhs.rank < rhs.rank }
}
