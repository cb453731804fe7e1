import Metrics

/// Counts carrier statuses the mapping tables do not know (`postpurchase_carrier_statuses_unmapped_total{format}`),
/// so a provider adding a status shows up on a dashboard instead of in the dead-letter topic.
enum UnmappedStatusCounter {
    static func count(_ update: CarrierUpdate, worker: String) {
        Counter(label: "postpurchase_carrier_statuses_unmapped_total", dimensions: [
            ("worker", worker), ("format", update.format.rawValue),
        ]).increment()
    }
}
