import Foundation
@testable import PostPurchaseCore
import Testing
@testable import Tracking

@Suite("Carrier webhook formats")
struct CarrierWebhookParserTests {
    // MARK: EasyPost

    @Test func easyPostTrackerUpdatedFixture() throws {
        let update = try #require(try CarrierWebhookParser.update(body: try Fixture.data("easypost_tracker_updated.json"), sourceHeader: nil))
        #expect(update.format == .easyPost)
        #expect(update.sourceId == "evt_4f1c2a9e0b6d11f0a1b2c3d4e5f60718")
        #expect(update.carrier == "USPS")
        #expect(update.trackingNumber == "9400111899223344556677")
        #expect(update.status == .delivered)
        #expect(update.providerStatus == "delivered/arrived_at_destination")
        #expect(update.occurredAt == Fixture.date("2025-03-06T17:38:00Z"))
        #expect(update.estimatedDelivery == Fixture.date("2025-03-06T00:00:00Z"))
        #expect(update.location == "DALLAS, TX, US")
        #expect(update.message == "Delivered, In/At Mailbox")
    }

    @Test func easyPostTrackerCreatedFixture() throws {
        let update = try #require(try CarrierWebhookParser.update(body: try Fixture.data("easypost_tracker_created.json"), sourceHeader: "easypost"))
        #expect(update.status == .labelCreated)
        #expect(update.trackingNumber == "EZ1000000001")
        #expect(update.location == nil)
    }

    /// Every EasyPost `status` (docs.easypost.com/docs/trackers), with the details that refine it.
    @Test(arguments: [
        ("unknown", "unknown", ShipmentStatus.unknown),
        ("pre_transit", "label_created", .labelCreated),
        ("pre_transit", "status_update", .labelCreated),
        ("in_transit", "arrived_at_facility", .inTransit),
        ("in_transit", "departed_facility", .inTransit),
        ("in_transit", "received_at_origin_facility", .inTransit),
        ("in_transit", "unknown", .inTransit),
        ("in_transit", "out_for_delivery", .outForDelivery),
        ("in_transit", "arrived_at_pickup_location", .availableForPickup),
        ("in_transit", "delivery_exception", .attemptFailed),
        ("in_transit", "weather_delay", .exception),
        ("in_transit", "delayed", .exception),
        ("out_for_delivery", "out_for_delivery", .outForDelivery),
        ("delivered", "arrived_at_destination", .delivered),
        ("available_for_pickup", "arrived_at_pickup_location", .availableForPickup),
        ("return_to_sender", "return", .returnedToSender),
        ("failure", "lost", .exception),
        ("failure", "damaged", .exception),
        ("failure", "delivery_exception", .attemptFailed),
        ("cancelled", "cancelled", .cancelled),
        ("error", "unknown", .exception),
    ])
    func easyPostStatuses(status: String, detail: String, expected: ShipmentStatus) throws {
        let update = try #require(try CarrierWebhookParser.update(body: try Fixture.easyPost(status: status, detail: detail), sourceHeader: nil))
        #expect(update.status == expected)
        #expect(update.isMapped)
    }

    @Test func everyEasyPostDetailMapsUnderEveryStatus() {
        for status in ["unknown", "pre_transit", "in_transit", "out_for_delivery", "delivered", "available_for_pickup",
                       "return_to_sender", "failure", "cancelled", "error"] {
            for detail in CarrierStatusMapping.easyPostDetails {
                #expect(CarrierStatusMapping.easyPost(status: status, detail: detail) != nil, "\(status)/\(detail)")
            }
        }
    }

    // MARK: Shippo

    @Test func shippoTrackUpdatedFixture() throws {
        let update = try #require(try CarrierWebhookParser.update(body: try Fixture.data("shippo_track_updated.json"), sourceHeader: nil))
        #expect(update.format == .shippo)
        #expect(update.status == .outForDelivery, "out for delivery is a TRANSIT substatus")
        #expect(update.providerStatus == "TRANSIT/out_for_delivery")
        #expect(update.carrier == "usps")
        #expect(update.occurredAt == Fixture.date("2025-03-06T13:05:00Z"))
        #expect(update.estimatedDelivery == Fixture.date("2025-03-07T00:00:00Z"))
        #expect(update.location == "Las Vegas, NV, US")
        #expect(update.sourceId == "6b0c2d8e9f1a4b3c8d7e6f5a4b3c2d1e")
    }

    /// Every Shippo `status`, and the `TRANSIT` / `FAILURE` substatuses with their own canonical status.
    @Test(arguments: [
        ("UNKNOWN", nil, ShipmentStatus.unknown),
        ("PRE_TRANSIT", "information_received", .labelCreated),
        ("TRANSIT", "package_accepted", .inTransit),
        ("TRANSIT", "package_arrived", .inTransit),
        ("TRANSIT", "package_departed", .inTransit),
        ("TRANSIT", "package_processing", .inTransit),
        ("TRANSIT", "package_forwarded", .inTransit),
        ("TRANSIT", "delivery_scheduled", .inTransit),
        ("TRANSIT", "out_for_delivery", .outForDelivery),
        ("TRANSIT", "pickup_available", .availableForPickup),
        ("TRANSIT", "delivery_attempted", .attemptFailed),
        ("TRANSIT", "notice_left", .attemptFailed),
        ("TRANSIT", "delayed", .exception),
        ("TRANSIT", "package_held", .exception),
        ("TRANSIT", "address_issue", .exception),
        ("TRANSIT", nil, .inTransit),
        ("DELIVERED", "delivered", .delivered),
        ("RETURNED", "return_to_sender", .returnedToSender),
        ("FAILURE", "package_lost", .exception),
        ("FAILURE", "package_damaged", .exception),
        ("FAILURE", "package_undeliverable", .exception),
    ] as [(String, String?, ShipmentStatus)])
    func shippoStatuses(status: String, substatus: String?, expected: ShipmentStatus) throws {
        let update = try #require(try CarrierWebhookParser.update(body: try Fixture.shippo(status: status, substatus: substatus), sourceHeader: "shippo"))
        #expect(update.status == expected)
    }

    @Test func everyShippoSubstatusMapsUnderItsStatuses() {
        for status in ["TRANSIT", "FAILURE"] {
            for code in CarrierStatusMapping.shippoSubstatuses {
                #expect(CarrierStatusMapping.shippo(status: status, substatus: code) != nil, "\(status)/\(code)")
            }
        }
    }

    @Test func shippoEventsOtherThanTrackUpdatedAreSkipped() throws {
        var body = try Fixture.json("shippo_track_updated.json")
        body["event"] = "transaction_created"
        #expect(try CarrierWebhookParser.update(body: try Fixture.encode(body), sourceHeader: nil) == nil)
    }

    // MARK: AfterShip

    @Test func afterShipTrackingUpdateFixture() throws {
        let update = try #require(try CarrierWebhookParser.update(body: try Fixture.data("aftership_tracking_update.json"), sourceHeader: nil))
        #expect(update.format == .afterShip)
        #expect(update.status == .outForDelivery)
        #expect(update.providerStatus == "OutForDelivery/OutForDelivery_001")
        #expect(update.carrier == "usps")
        #expect(update.sourceId == "3f6c2b1e-8a4d-4c7e-9b2a-5d1e0f9c8b7a")
        // checkpoint_time has no offset: AfterShip's created_at (with one) is used.
        #expect(update.occurredAt == Fixture.date("2025-03-06T13:20:31Z"))
        #expect(update.estimatedDelivery == Fixture.date("2025-03-06T12:00:00Z"))
        #expect(update.location == "DALLAS, TX, 75201, USA, United States")
    }

    /// The 9 AfterShip tags and the subtags that change the canonical status.
    @Test(arguments: [
        ("Pending", "Pending_001", ShipmentStatus.unknown),
        ("InfoReceived", "InfoReceived_001", .labelCreated),
        ("InTransit", "InTransit_002", .inTransit),
        ("InTransit", "InTransit_007", .inTransit),
        ("OutForDelivery", "OutForDelivery_001", .outForDelivery),
        ("OutForDelivery", "OutForDelivery_003", .outForDelivery),
        ("AttemptFail", "AttemptFail_001", .attemptFailed),
        ("AttemptFail", "AttemptFail_002", .attemptFailed),
        ("Delivered", "Delivered_001", .delivered),
        ("Delivered", "Delivered_002", .delivered),
        ("AvailableForPickup", "AvailableForPickup_001", .availableForPickup),
        ("Exception", "Exception_004", .exception),
        ("Exception", "Exception_005", .exception),
        ("Exception", "Exception_010", .returnedToSender),
        ("Exception", "Exception_011", .returnedToSender),
        ("Exception", "Exception_013", .exception),
        ("Exception", "Exception_020", .cancelled),
        ("Expired", "Expired_001", .unknown),
    ])
    func afterShipTags(tag: String, subtag: String, expected: ShipmentStatus) throws {
        let update = try #require(try CarrierWebhookParser.update(body: try Fixture.afterShip(tag: tag, subtag: subtag), sourceHeader: "aftership"))
        #expect(update.status == expected)
    }

    @Test func everyAfterShipSubtagMapsUnderItsTag() {
        for subtag in CarrierStatusMapping.afterShipSubtags {
            let tag = String(subtag.prefix { $0 != "_" })
            #expect(CarrierStatusMapping.afterShip(tag: tag, subtag: subtag) != nil, "\(subtag)")
        }
    }

    // MARK: Canonical tracking.updated

    @Test func trackingUpdatedCloudEvent() throws {
        let input = try Fixture.event(EventType.trackingUpdated, TrackingUpdated(
            trackingNumber: "290412345671", carrier: "smsa", status: .outForDelivery, occurredAt: Fixture.date("2025-03-13T08:05:00+03:00"),
            estimatedDelivery: Fixture.date("2025-03-13T18:00:00+03:00"), location: "Riyadh, SA", message: "الشحنة مع المندوب للتوصيل"),
            id: "tu-1", time: Fixture.date("2025-03-13T05:06:00Z"), topic: .carrierEvents)
        let update = try #require(try CarrierWebhookParser.update(from: input))
        #expect(update.format == .trackingUpdated)
        #expect(update.status == .outForDelivery)
        #expect(update.sourceId == "tu-1")
        #expect(update.occurredAt == Fixture.date("2025-03-13T05:05:00Z"))
        #expect(update.location == "Riyadh, SA")
    }

    // MARK: Unknown statuses and formats

    @Test func unknownProviderStatusesMapToUnknownAndAreNotRejected() throws {
        let easyPost = try #require(try CarrierWebhookParser.update(body: try Fixture.easyPost(status: "teleported", detail: nil), sourceHeader: nil))
        #expect(easyPost.status == .unknown)
        #expect(!easyPost.isMapped)
        let shippo = try #require(try CarrierWebhookParser.update(body: try Fixture.shippo(status: "WORMHOLE", substatus: nil), sourceHeader: nil))
        #expect(shippo.status == .unknown && !shippo.isMapped)
        let afterShip = try #require(try CarrierWebhookParser.update(body: try Fixture.afterShip(tag: "Teleported", subtag: "Teleported_001"), sourceHeader: nil))
        #expect(afterShip.status == .unknown && !afterShip.isMapped)
    }

    @Test func unknownFormatIsRejected() throws {
        let error = #expect(throws: EventRejection.self) {
            try CarrierWebhookParser.update(body: Data(#"{"hello":"world"}"#.utf8), sourceHeader: nil)
        }
        #expect(error?.code == .rejected)
        #expect(error?.reason.hasPrefix("unknown carrier format") == true)
    }

    @Test func notJSONIsRejected() throws {
        let error = #expect(throws: EventRejection.self) { try CarrierWebhookParser.update(body: Data("<xml/>".utf8), sourceHeader: nil) }
        #expect(error?.code == .notJSON)
    }

    @Test func unknownCarrierSourceHeaderIsRejected() throws {
        let error = #expect(throws: EventRejection.self) {
            try CarrierWebhookParser.update(body: try Fixture.data("shippo_track_updated.json"), sourceHeader: "fedex")
        }
        #expect(error?.field == "header carrier-source")
    }

    @Test func headerWinsOverTheBody() throws {
        // An AfterShip body announced as EasyPost is read as EasyPost, which it is not: no tracker → skipped.
        #expect(try CarrierWebhookParser.update(body: try Fixture.data("aftership_tracking_update.json"), sourceHeader: "easypost") == nil)
    }

    @Test func missingTrackingNumberNamesTheField() throws {
        var body = try Fixture.json("easypost_tracker_updated.json")
        var tracker = body["result"] as! [String: Any]
        tracker["tracking_code"] = nil
        body["result"] = tracker
        let error = #expect(throws: EventRejection.self) { try CarrierWebhookParser.update(body: try Fixture.encode(body), sourceHeader: nil) }
        #expect(error?.description == "invalid-data: result.tracking_code: required field is missing")
    }

    @Test func wrongTypeNamesTheField() throws {
        var body = try Fixture.json("shippo_track_updated.json")
        var track = body["data"] as! [String: Any]
        track["tracking_number"] = 42
        body["data"] = track
        let error = #expect(throws: EventRejection.self) { try CarrierWebhookParser.update(body: try Fixture.encode(body), sourceHeader: "shippo") }
        #expect(error?.field == "data.tracking_number")
        #expect(error?.code == .invalidData)
    }
}
