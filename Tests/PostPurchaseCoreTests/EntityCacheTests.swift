import Foundation
@testable import PostPurchaseCore
import Testing

@Suite("Decoded-entity cache")
struct EntityCacheTests {
    struct State: StoredEntity, Equatable {
        static let namespace = "test.state"
        var count: Int
    }

    struct AuditEntry: StoredEntity, Equatable {
        static let namespace = "test.audit"
        static let keepsDecodedCopy = false
        var note: String
    }

    @Test func kindsThatKeepNoDecodedCopiesAreNeverHeld() {
        let cache = EntityCache()
        let stateKey = WorkerContext.EntityKey(namespace: State.namespace, key: "k")
        let auditKey = WorkerContext.EntityKey(namespace: AuditEntry.namespace, key: "k|1")
        cache.remember(stateKey, bytes: Data(#"{"count":3}"#.utf8), value: State(count: 3))
        for index in 0..<100 {
            let key = WorkerContext.EntityKey(namespace: AuditEntry.namespace, key: "k|\(index)")
            cache.remember(key, bytes: Data(#"{"note":"x"}"#.utf8), value: AuditEntry(note: "x"))
        }
        #expect(cache.count == 1)
        #expect(cache.current(State.self, stateKey) == State(count: 3))
        #expect(cache.current(AuditEntry.self, auditKey) == nil)
        #expect(cache.value(AuditEntry.self, auditKey, bytes: Data(#"{"note":"x"}"#.utf8)) == nil)
    }

    @Test func entityKindsKeepDecodedCopiesByDefault() {
        #expect(State.keepsDecodedCopy)
        #expect(!AuditEntry.keepsDecodedCopy)
    }
}
