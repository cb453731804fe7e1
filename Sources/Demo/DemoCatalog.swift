import PostPurchaseCore

/// The demo store's customers and products: English and Arabic speakers in several time zones
/// (one with daylight saving time), every product category the workers treat differently.
public enum DemoCatalog {
    /// A customer profile the scenario buys for.
    public struct Customer: Sendable {
        public var name: String
        public var locale: String
        public var timeZone: String
        public var currency: String
        public var email: String
        public var phone: String
    }

    /// A product; `price` is in minor units of a 1:1 currency and scaled per currency.
    public struct Product: Sendable {
        public var sku: String
        public var name: String
        public var category: String
        public var price: Int
        public var tags: [String]?
        public var replenishAfterDays: Int?
    }

    public static let customers: [Customer] = [
        Customer(name: "Emma Clarke", locale: "en-GB", timeZone: "Europe/London", currency: "GBP", email: "emma.clarke@example.com", phone: "+447700900101"),
        Customer(name: "Liam Johnson", locale: "en-US", timeZone: "America/New_York", currency: "USD", email: "liam.j@example.com", phone: "+12025550102"),
        Customer(name: "Olivia Martinez", locale: "en-US", timeZone: "America/Los_Angeles", currency: "USD", email: "olivia.m@example.com", phone: "+13105550103"),
        Customer(name: "Noah Williams", locale: "en-US", timeZone: "America/Chicago", currency: "USD", email: "noah.w@example.com", phone: "+13125550104"),
        Customer(name: "Sophie Brown", locale: "en-AU", timeZone: "Australia/Sydney", currency: "AUD", email: "sophie.b@example.com", phone: "+61491570105"),
        Customer(name: "نورة العتيبي", locale: "ar-SA", timeZone: "Asia/Riyadh", currency: "SAR", email: "noura@example.com", phone: "+966500000106"),
        Customer(name: "أحمد المنصوري", locale: "ar-AE", timeZone: "Asia/Dubai", currency: "AED", email: "ahmed@example.com", phone: "+971500000107"),
        Customer(name: "فاطمة الزهراني", locale: "ar-SA", timeZone: "Asia/Riyadh", currency: "SAR", email: "fatimah@example.com", phone: "+966500000108"),
        Customer(name: "يوسف الحربي", locale: "ar-SA", timeZone: "Asia/Riyadh", currency: "SAR", email: "yousef@example.com", phone: "+966500000109"),
        Customer(name: "مريم الكعبي", locale: "ar-AE", timeZone: "Asia/Dubai", currency: "AED", email: "maryam@example.com", phone: "+971500000110"),
        Customer(name: "ليلى حداد", locale: "ar-EG", timeZone: "Africa/Cairo", currency: "EGP", email: "layla@example.com", phone: "+201000000111"),
        Customer(name: "Lukas Becker", locale: "en-DE", timeZone: "Europe/Berlin", currency: "EUR", email: "lukas.b@example.com", phone: "+4915100000112"),
    ]

    public static let products: [Product] = [
        Product(sku: "HP-ANC-700", name: "Noise-cancelling headphones", category: "electronics", price: 24_999),
        Product(sku: "KT-SMART-2", name: "Smart kettle", category: "appliances", price: 8_999),
        Product(sku: "SH-LINEN-M", name: "Linen shirt", category: "apparel", price: 5_999),
        Product(sku: "FW-TRAIL-42", name: "Trail running shoes", category: "footwear", price: 12_999),
        Product(sku: "FN-OAK-CHAIR", name: "Oak side chair", category: "furniture", price: 19_999),
        Product(sku: "CF-BEANS-1KG", name: "Single-origin coffee beans 1 kg", category: "coffee", price: 3_499, replenishAfterDays: 30),
        Product(sku: "CF-FILTER-100", name: "Paper coffee filters (100)", category: "coffee-accessories", price: 599),
        Product(sku: "HY-BRUSH-E", name: "Electric toothbrush", category: "hygiene", price: 6_999),
        Product(sku: "GC-50", name: "Gift card", category: "gift-card", price: 5_000),
        Product(sku: "SC-SCARF-FS", name: "Clearance scarf", category: "apparel", price: 1_999, tags: ["final-sale"]),
        Product(sku: "HM-LAMP-DESK", name: "Desk lamp", category: "home", price: 4_599),
    ]

    /// Carriers and the webhook format their updates arrive in (the demo mixes all of them).
    public static let carriers: [(name: String, format: CarrierFeed)] = [
        ("usps", .easyPost), ("ups", .shippo), ("dhl", .tracking), ("fedex", .shippo), ("aramex", .tracking),
    ]

    /// How a carrier's updates reach the `carrier-events` topic.
    public enum CarrierFeed: Sendable {
        case easyPost, shippo, tracking
    }
}
