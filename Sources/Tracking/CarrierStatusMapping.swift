import PostPurchaseCore

/// The versioned tables that map each provider's status vocabulary to ``ShipmentStatus``.
///
/// Written from the providers' documentation: EasyPost's Tracker `status` / `status_detail`
/// (docs.easypost.com/docs/trackers), Shippo's tracking `status` and `substatus.code`
/// (docs.goshippo.com, tracking "Event definitions"), and AfterShip's delivery statuses (`tag`)
/// and sub-statuses (`subtag`) (aftership.com/docs/tracking/enum/delivery-statuses and
/// …/delivery-sub-statuses, 2025-04 and 2026-07 editions). ``version`` is stored with every
/// applied update, so an audit can tell which table decided.
///
/// A mapping returns `nil` for a value the table does not know; the worker then uses
/// ``ShipmentStatus/unknown`` and counts it (`postpurchase_carrier_statuses_unmapped_total`).
/// Values the providers document as "no information yet" map to ``ShipmentStatus/unknown`` on purpose.
public enum CarrierStatusMapping {
    /// The version of these tables.
    public static let version = "2025-03.1"

    // MARK: EasyPost

    /// EasyPost `Tracker.status` with its `status_detail`.
    ///
    /// `status` (10 values): `unknown`, `pre_transit`, `in_transit`, `out_for_delivery`, `delivered`,
    /// `available_for_pickup`, `return_to_sender`, `failure`, `cancelled`, `error`. The detail
    /// refines `in_transit` and `failure`: a pickup location arrival means available for pickup, a
    /// delivery exception a failed attempt, and delays or holds a carrier exception.
    public static func easyPost(status: String, detail: String?) -> ShipmentStatus? {
        let detail = detail ?? ""
        switch status {
        case "unknown": return .unknown
        case "pre_transit": return .labelCreated
        case "in_transit":
            switch detail {
            case "out_for_delivery": return .outForDelivery
            case "arrived_at_pickup_location": return .availableForPickup
            case "delivery_exception": return .attemptFailed
            case "delayed", "weather_delay", "transit_exception", "held", "missorted", "lost", "damaged", "address_correction",
                 "awaiting_information":
                return .exception
            case "return": return .returnedToSender
            default: return .inTransit
            }
        case "out_for_delivery": return .outForDelivery
        case "delivered": return .delivered
        case "available_for_pickup": return .availableForPickup
        case "return_to_sender": return .returnedToSender
        case "failure":
            switch detail {
            case "delivery_exception": return .attemptFailed
            case "return": return .returnedToSender
            default: return .exception
            }
        case "cancelled": return .cancelled
        case "error": return .exception
        default: return nil
        }
    }

    /// The `status_detail` values EasyPost documents (28), for tests and validation.
    public static let easyPostDetails: [String] = [
        "address_correction", "arrived_at_destination", "arrived_at_facility", "arrived_at_pickup_location",
        "awaiting_information", "cancelled", "damaged", "delayed", "delivery_exception", "departed_facility",
        "departed_origin_facility", "expired", "failure", "held", "in_transit", "label_created", "lost", "missorted",
        "out_for_delivery", "received_at_destination_facility", "received_at_origin_facility", "refused", "return",
        "status_update", "transferred_to_destination_carrier", "transit_exception", "unknown", "weather_delay",
    ]

    // MARK: Shippo

    /// Shippo `tracking_status.status` with its `substatus.code`.
    ///
    /// `status`: `UNKNOWN`, `PRE_TRANSIT`, `TRANSIT`, `DELIVERED`, `RETURNED`, `FAILURE`. Shippo
    /// reports out for delivery, failed attempts and pickup-ready parcels as sub-statuses of
    /// `TRANSIT`; they map to their own canonical statuses here.
    public static func shippo(status: String, substatus: String?) -> ShipmentStatus? {
        switch status.uppercased() {
        case "UNKNOWN": return .unknown
        case "PRE_TRANSIT": return .labelCreated
        case "TRANSIT":
            switch substatus ?? "" {
            case "out_for_delivery": return .outForDelivery
            case "pickup_available": return .availableForPickup
            case "delivery_attempted", "notice_left", "location_inaccessible", "reschedule_delivery": return .attemptFailed
            case "delayed", "package_held", "address_issue", "contact_carrier", "package_damaged", "package_lost",
                 "package_unclaimed", "package_undeliverable", "package_disposed":
                return .exception
            case "return_to_sender", "returned_to_sender": return .returnedToSender
            case "delivered": return .delivered
            default: return .inTransit
            }
        case "DELIVERED": return .delivered
        case "RETURNED": return .returnedToSender
        case "FAILURE":
            switch substatus ?? "" {
            case "return_to_sender", "returned_to_sender": return .returnedToSender
            case "delivery_attempted", "notice_left": return .attemptFailed
            default: return .exception
            }
        default: return nil
        }
    }

    /// The `substatus.code` values Shippo documents, for tests.
    public static let shippoSubstatuses: [String] = [
        "information_received", "package_accepted", "package_arrived", "package_departed", "package_processing",
        "package_processed", "package_forwarded", "delivery_scheduled", "out_for_delivery", "pickup_available",
        "delivered", "address_issue", "contact_carrier", "delayed", "delivery_attempted", "delivery_rescheduled",
        "reschedule_delivery", "location_inaccessible", "notice_left", "package_held", "package_damaged", "package_lost",
        "package_disposed", "package_unclaimed", "package_undeliverable", "return_to_sender", "other",
    ]

    // MARK: AfterShip

    /// AfterShip `tag` (9 delivery statuses) with its `subtag` (`<Tag>_<NNN>`).
    ///
    /// `Pending` and `Expired` carry no carrier information and map to ``ShipmentStatus/unknown``.
    /// Within `Exception`, returning/returned to sender (`Exception_010`, `_011`) and a cancelled
    /// shipment (`Exception_020`) have their own canonical statuses; the legacy
    /// `OutForDelivery_002` meant available for pickup.
    public static func afterShip(tag: String, subtag: String?) -> ShipmentStatus? {
        let subtag = subtag ?? ""
        switch tag {
        case "Pending", "Expired": return .unknown
        case "InfoReceived": return .labelCreated
        case "InTransit": return .inTransit
        case "OutForDelivery": return subtag == "OutForDelivery_002" ? .availableForPickup : .outForDelivery
        case "AttemptFail": return .attemptFailed
        case "Delivered": return .delivered
        case "AvailableForPickup": return .availableForPickup
        case "Exception":
            switch subtag {
            case "Exception_010", "Exception_011": return .returnedToSender
            case "Exception_020": return .cancelled
            default: return .exception
            }
        default: return nil
        }
    }

    /// The subtags AfterShip documents, for tests.
    public static let afterShipSubtags: [String] = [
        "Delivered_001", "Delivered_002", "Delivered_003", "Delivered_004", "Delivered_005", "AvailableForPickup_001",
        "Exception_001", "Exception_002", "Exception_003", "Exception_004", "Exception_005", "Exception_006",
        "Exception_007", "Exception_008", "Exception_009", "Exception_010", "Exception_011", "Exception_012",
        "Exception_013", "Exception_016", "Exception_017", "Exception_018", "Exception_019", "Exception_020",
        "Exception_021", "AttemptFail_001", "AttemptFail_002", "AttemptFail_003", "InTransit_001", "InTransit_002",
        "InTransit_003", "InTransit_004", "InTransit_005", "InTransit_006", "InTransit_007", "InTransit_008",
        "InTransit_009", "InfoReceived_001", "OutForDelivery_001", "OutForDelivery_003", "OutForDelivery_004",
        "Pending_001", "Expired_001",
    ]
}
