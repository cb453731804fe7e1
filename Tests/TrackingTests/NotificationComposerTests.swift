import Foundation
import PostPurchaseCore
import Testing
@testable import Tracking

@Suite("Notification rendering")
struct NotificationComposerTests {
    let composer: NotificationComposer
    let now = Fixture.date("2025-03-06T05:00:00Z")

    init() throws {
        composer = try Fixture.composer()
    }

    func draft(_ template: NotificationTemplate = .shipmentOutForDelivery, locale: String, zone: String = "Asia/Riyadh",
               values: [String: NotificationValue] = [:]) -> NotificationDraft {
        var all: [String: NotificationValue] = [
            "orderId": .text("ORD-100482"), "trackingNumber": .text("290412345671"), "carrier": .text("smsa"),
            "hasEstimatedDelivery": .flag(false), "hasPromisedBy": .flag(false),
        ]
        all.merge(values) { $1 }
        return NotificationDraft(
            template: template,
            recipient: NotificationRecipient(customerId: "CUS-1", locale: locale, timeZone: zone, phone: "+966500000000", name: locale.hasPrefix("ar") ? "نورة" : "Noura"),
            orderId: "ORD-100482", cause: "\(template):ORD-100482/outbound/SHP-1", sendAt: now, values: all)
    }

    @Test func englishMessage() throws {
        let message = try composer.compose(draft(locale: "en-US", values: ["parcel": .group(["number": .number(2), "count": .number(3)])]))
        #expect(message.subject == "Your order ORD-100482 arrives today")
        #expect(message.body == """
            Hi Noura, parcel 2 of 3 of your order ORD-100482 is out with the delivery driver and will reach you today. Please keep your phone nearby.
            Tracking number: 290412345671
            """)
        #expect(message.locale == "en-US")
        #expect(message.template == .shipmentOutForDelivery)
        #expect(message.category == .transactional)
        #expect(message.channels == ["sms"])
        #expect(message.sendAt == now)
        #expect(message.notificationId == "ntf:shipment.out_for_delivery:ORD-100482/outbound/SHP-1")
        #expect(message.data["parcel"] == .object(["number": 2, "count": 3]))
    }

    /// Handlers emit prepared messages, rendered when their event is encoded: the event's data must
    /// be the message `compose` renders, and its id and locale known before.
    @Test(arguments: ["en-US", "ar-SA", "fr-FR"])
    func aPreparedMessageEncodesAsTheComposedOne(locale: String) throws {
        let draft = draft(.shipmentDelivered, locale: locale, values: ["location": .text("Riyadh"), "parcel": .group(["number": .number(1), "count": .number(2)])])
        let prepared = try composer.prepare(draft)
        let composed = try composer.compose(draft)
        #expect(prepared.notificationId == composed.notificationId)
        #expect(prepared.locale == composed.locale)
        #expect(prepared.orderId == composed.orderId)
        #expect(prepared.render() == composed)
        let decoded = try CloudEventCodec.decoder.decode(NotificationRequested.self, from: try CloudEventCodec.encoder.encode(prepared))
        #expect(decoded == composed)
    }

    @Test func arabicIsolatesLatinAndNumericInserts() throws {
        let message = try composer.compose(draft(locale: "ar-SA", values: ["parcel": .group(["number": .number(2), "count": .number(3)])]))
        let fsi = "\u{2068}", pdi = "\u{2069}"
        #expect(message.locale == "ar-SA", "ar-SA falls back to the ar template but keeps the customer's locale")
        #expect(message.subject == "طلبك \(fsi)ORD-100482\(pdi) يصلك اليوم")
        #expect(message.body.contains("مرحباً نورة،"), "Arabic names are not isolated")
        #expect(message.body.contains("رقم التتبع: \(fsi)290412345671\(pdi)"))
        #expect(message.body.contains("الطرد ٢ من ٣"), "numbers in Arabic digits: \(message.body)")
        #expect(message.data["trackingNumber"] == "290412345671", "data keeps the plain values")
    }

    @Test func estimatedDeliveryIsShownInTheCustomersZone() throws {
        // 22:30 UTC on 6 March is already 7 March in Riyadh, still 6 March in Chicago.
        let eta = Fixture.date("2025-03-06T22:30:00Z")
        let values: [String: NotificationValue] = ["estimatedDelivery": .date(eta), "hasEstimatedDelivery": .flag(true)]
        let riyadh = try composer.compose(draft(.shipmentInTransit, locale: "en-GB", zone: "Asia/Riyadh", values: values))
        let chicago = try composer.compose(draft(.shipmentInTransit, locale: "en-US", zone: "America/Chicago", values: values))
        #expect(riyadh.body.contains("Expected delivery: Friday 7 March."), "\(riyadh.body)")
        #expect(chicago.body.contains("Expected delivery: Thursday, March 6."), "\(chicago.body)")
        let arabic = try composer.compose(draft(.shipmentInTransit, locale: "ar-SA", zone: "Asia/Riyadh", values: values))
        #expect(arabic.body.contains("الجمعة"), "Friday in Arabic, Gregorian calendar: \(arabic.body)")
        #expect(arabic.body.contains("مارس"))
    }

    @Test func unknownLanguagesFallBackToEnglish() throws {
        let message = try composer.compose(draft(locale: "fr-FR"))
        #expect(message.locale == "en")
        #expect(message.subject == "Your order ORD-100482 arrives today")
        #expect(composer.languages(for: "ar-SA") == ["ar-SA", "ar", "en"])
    }

    @Test func aRegionalTemplateWinsOverTheLanguage() throws {
        let directory = try copyOfTemplates()
        try "Regional subject {{orderId}}\n\nRegional body".write(toFile: directory + "/shipment.delivered.en-GB.mustache", atomically: true, encoding: .utf8)
        let composer = try NotificationComposer(directory: directory, required: TrackingMessages.templates)
        #expect(try composer.compose(draft(.shipmentDelivered, locale: "en-GB")).subject == "Regional subject ORD-100482")
        #expect(try composer.compose(draft(.shipmentDelivered, locale: "en-US")).subject == "Your order ORD-100482 was delivered")
    }

    @Test func aMissingTemplateFailsAtStartUpNamingTheFile() throws {
        let directory = try copyOfTemplates()
        try FileManager.default.removeItem(atPath: directory + "/shipment.delayed.en.mustache")
        let error = #expect(throws: NotificationTemplateError.self) {
            try NotificationComposer(directory: directory, required: TrackingMessages.templates)
        }
        #expect(error?.template.hasSuffix("shipment.delayed.en.mustache") == true)
        #expect(error?.reason.contains("missing") == true)
    }

    @Test func aMalformedTemplateFailsAtStartUp() throws {
        let directory = try copyOfTemplates()
        try "Subject\n\n{{#open}} never closed".write(toFile: directory + "/shipment.delivered.ar.mustache", atomically: true, encoding: .utf8)
        #expect(throws: NotificationTemplateError.self) { try NotificationComposer(directory: directory, required: []) }
    }

    @Test func aMissingDirectoryFailsClearly() throws {
        let error = #expect(throws: NotificationTemplateError.self) {
            try NotificationComposer.fromEnvironment(required: [], environment: [NotificationComposer.directoryEnvironmentKey: "/nonexistent/templates"])
        }
        #expect(error?.description.contains("POSTPURCHASE_TEMPLATES_DIR") == true)
    }

    @Test func everyTrackingTemplateExistsInEnglishAndArabic() throws {
        for template in TrackingMessages.templates {
            for language in ["en", "ar"] {
                #expect(FileManager.default.fileExists(atPath: "\(Fixture.templates)/\(template.rawValue).\(language).mustache"), "\(template).\(language)")
            }
        }
    }

    private func copyOfTemplates() throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("templates-\(UUID().uuidString)").path
        try FileManager.default.copyItem(atPath: Fixture.templates, toPath: directory)
        return directory
    }
}
