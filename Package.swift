// swift-tools-version:6.1
import PackageDescription

/// One core library shared by every worker, one small domain module per worker, thin executables
/// and a C system-library target for librdkafka (see README "Architecture").
let package = Package(
    name: "PostPurchase",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "PostPurchaseCore", targets: ["PostPurchaseCore"]),
        .library(name: "PostPurchaseTesting", targets: ["PostPurchaseTesting"]),
        .library(name: "Tracking", targets: ["Tracking"]),
        .library(name: "Loyalty", targets: ["Loyalty"]),
        .library(name: "Returns", targets: ["Returns"]),
        .executable(name: "tracking-worker", targets: ["TrackingWorkerMain"]),
        .executable(name: "followup-worker", targets: ["FollowupWorkerMain"]),
        .executable(name: "returns-worker", targets: ["ReturnsWorkerMain"]),
        .executable(name: "loyalty-worker", targets: ["LoyaltyWorkerMain"]),
        .executable(name: "postpurchase", targets: ["PostPurchaseCLI"]),
        .executable(name: "postpurchase-echo-worker", targets: ["EchoWorkerMain"]),
        .executable(name: "postpurchase-bench", targets: ["RuntimeBenchmark"]),
        .executable(name: "tracking-benchmark", targets: ["TrackingBenchmark"]),
        .executable(name: "loyalty-benchmark", targets: ["LoyaltyBenchmark"]),
        .library(name: "Followup", targets: ["Followup"]),
        .executable(name: "followup-benchmark", targets: ["FollowupBenchmark"]),
        .executable(name: "returns-benchmark", targets: ["ReturnsBenchmark"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Property-based tests of the money and ledger invariants (returns, loyalty).
        .package(url: "https://github.com/x-sheep/swift-property-based", from: "2.0.1"),
        // The PostgreSQL state backend (multi-host deployments).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CRdKafka",
            pkgConfig: "rdkafka",
            providers: [.apt(["librdkafka-dev"])]
        ),
        .target(
            name: "PostPurchaseCore",
            dependencies: [
                "CRdKafka",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "GRDB", package: "GRDB.swift"),
                // SQLite's C API, for the statements every event runs (see SQLiteBoundStatement).
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // Domain module of the tracking worker: carrier formats, mapping tables, shipment state machine.
        .target(
            name: "Tracking",
            dependencies: ["PostPurchaseCore", .product(name: "Metrics", package: "swift-metrics")]
        ),
        // Domain module of the loyalty worker: the points ledger, its policy and decisions.
        .target(
            name: "Loyalty",
            dependencies: ["PostPurchaseCore"]
        ),
        // Domain module of the returns worker: policy, approvals, refunds, store credit, exchanges.
        .target(
            name: "Returns",
            dependencies: ["PostPurchaseCore"]
        ),
        // The demo store: a simulated upstream (checkout, fulfilment, carriers, returns portal,
        // warehouse, payments) driving the four worker processes, and its report.
        .target(
            name: "Demo",
            dependencies: ["PostPurchaseCore", .product(name: "Logging", package: "swift-log")]
        ),
        // Domain module of the follow-up worker: durable timed follow-ups, quiet hours, marketing cap.
        .target(
            name: "Followup",
            dependencies: ["PostPurchaseCore"]
        ),
        .target(
            name: "PostPurchaseTesting",
            dependencies: ["PostPurchaseCore"]
        ),
        .executableTarget(
            name: "TrackingWorkerMain",
            dependencies: ["PostPurchaseCore", "Tracking", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "FollowupWorkerMain",
            dependencies: ["PostPurchaseCore", "Followup", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "ReturnsWorkerMain",
            dependencies: ["PostPurchaseCore", "Returns", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "LoyaltyWorkerMain",
            dependencies: ["PostPurchaseCore", "Loyalty", .product(name: "ArgumentParser", package: "swift-argument-parser")]
        ),
        .executableTarget(
            name: "PostPurchaseCLI",
            dependencies: [
                "PostPurchaseCore", "Demo", .product(name: "ArgumentParser", package: "swift-argument-parser"),
                "Loyalty",  // `postpurchase loyalty`
                "Followup",  // `postpurchase why`
            ]
        ),
        // A tiny worker used by the integration tests that kill and restart a real process.
        .executableTarget(
            name: "EchoWorkerMain",
            dependencies: ["PostPurchaseCore", "PostPurchaseTesting", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tests/EchoWorkerMain"
        ),
        // `swift run -c release postpurchase-bench`: throughput and latency, measured, not guessed.
        .executableTarget(
            name: "RuntimeBenchmark",
            dependencies: ["PostPurchaseCore", "PostPurchaseTesting", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Benchmarks/RuntimeBenchmark"
        ),
        // Carrier events per second through the tracking worker vs. librdkafka's raw consume rate (run in release).
        .executableTarget(
            name: "TrackingBenchmark",
            dependencies: ["Tracking", "PostPurchaseCore", "PostPurchaseTesting", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/TrackingBenchmark"
        ),
        .testTarget(
            name: "PostPurchaseCoreTests",
            dependencies: ["PostPurchaseCore", "PostPurchaseTesting"]
        ),
        .testTarget(
            name: "TrackingTests",
            dependencies: ["Tracking", "PostPurchaseCore", "PostPurchaseTesting"],
            exclude: ["Fixtures"]
        ),
        // Ledger points per second through one loyalty-worker process with durable state (run in release).
        .executableTarget(
            name: "LoyaltyBenchmark",
            dependencies: ["Loyalty", "PostPurchaseCore", "PostPurchaseTesting", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/LoyaltyBenchmark"
        ),
        .testTarget(
            name: "LoyaltyTests",
            dependencies: [
                "Loyalty", "PostPurchaseCore", "PostPurchaseTesting",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        // Return requests per second through the returns worker with durable state (run in release).
        .executableTarget(
            name: "ReturnsBenchmark",
            dependencies: ["Returns", "PostPurchaseCore", "PostPurchaseTesting"],
            path: "Benchmarks/ReturnsBenchmark"
        ),
        .testTarget(
            name: "ReturnsTests",
            dependencies: [
                "Returns", "PostPurchaseCore", "PostPurchaseTesting",
                .product(name: "PropertyBased", package: "swift-property-based"),
            ]
        ),
        .testTarget(
            name: "DemoTests",
            dependencies: ["Demo", "PostPurchaseCore"]
        ),
        // Pending follow-ups through the real store: insert rate, firing lag, peak RSS (run in release).
        .executableTarget(
            name: "FollowupBenchmark",
            dependencies: ["Followup", "PostPurchaseCore", "PostPurchaseTesting", .product(name: "Logging", package: "swift-log")],
            path: "Benchmarks/FollowupBenchmark"
        ),
        .testTarget(
            name: "FollowupTests",
            dependencies: ["Followup", "PostPurchaseCore", "PostPurchaseTesting", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["PostPurchaseCore", "PostPurchaseTesting", "Demo", .product(name: "Logging", package: "swift-log")]
        ),
    ]
)
