/// Names one scheduled timer, to cancel it. Stays unique: a slot reused for a later timer gets a new generation.
struct LoopTimerID: Hashable, Sendable {
    fileprivate let slot: UInt32
    fileprivate let generation: UInt32
}

/// The loop's timers: a binary min-heap of (deadline, sequence, slot) entries, over a slab of slots that
/// hold the action and remember their heap position. Adding, cancelling and popping are O(log n); slots and
/// heap storage are reused, so a steady state allocates nothing (the action closure is the caller's).
/// Equal deadlines fire in the order they were added.
///
/// Not thread-safe: one loop's thread only.
struct LoopTimerHeap {
    private struct Entry {
        var deadline: UInt64
        var sequence: UInt64
        var slot: UInt32
    }

    private struct Slot {
        /// Position in `heap`, -1 when the slot is free.
        var heapIndex: Int = -1
        var generation: UInt32 = 0
        var action: (() -> Void)?
    }

    private var slots: [Slot] = []
    private var freeSlots: [UInt32] = []
    private var heap: [Entry] = []
    private var nextSequence: UInt64 = 0

    var count: Int { self.heap.count }
    var isEmpty: Bool { self.heap.isEmpty }

    /// The earliest deadline, if any timer is scheduled.
    var earliest: LoopInstant? {
        guard let top = self.heap.first else { return nil }
        return LoopInstant(nanoseconds: top.deadline)
    }

    /// The sequence number the next added timer will get (timers added from now on compare greater).
    var sequenceMark: UInt64 { self.nextSequence }

    mutating func add(at deadline: LoopInstant, _ action: @escaping () -> Void) -> LoopTimerID {
        let slot: UInt32
        if let reused = self.freeSlots.popLast() {
            slot = reused
        } else {
            slot = UInt32(self.slots.count)
            self.slots.append(Slot())
        }
        let sequence = self.nextSequence
        self.nextSequence &+= 1
        self.slots[Int(slot)].action = action
        self.slots[Int(slot)].heapIndex = self.heap.count
        self.heap.append(Entry(deadline: deadline.nanoseconds, sequence: sequence, slot: slot))
        self.siftUp(self.heap.count - 1)
        return LoopTimerID(slot: slot, generation: self.slots[Int(slot)].generation)
    }

    /// Removes the timer; false when it already fired or was cancelled.
    @discardableResult
    mutating func cancel(_ id: LoopTimerID) -> Bool {
        guard Int(id.slot) < self.slots.count else { return false }
        let slot = self.slots[Int(id.slot)]
        guard slot.generation == id.generation, slot.heapIndex >= 0 else { return false }
        self.remove(at: slot.heapIndex)
        return true
    }

    /// Takes the earliest timer if it is due at `now` and was added before `sequenceLimit` (so timers
    /// a callback adds for "now" wait for the next turn instead of starving the loop).
    mutating func popDue(now: LoopInstant, sequenceLimit: UInt64) -> (() -> Void)? {
        guard let top = self.heap.first, top.deadline <= now.nanoseconds, top.sequence < sequenceLimit else { return nil }
        let action = self.slots[Int(top.slot)].action
        self.remove(at: 0)
        return action
    }

    private mutating func remove(at index: Int) {
        let slot = self.heap[index].slot
        let last = self.heap.count - 1
        if index != last {
            self.heap.swapAt(index, last)
            self.slots[Int(self.heap[index].slot)].heapIndex = index
        }
        self.heap.removeLast()
        self.slots[Int(slot)].heapIndex = -1
        self.slots[Int(slot)].action = nil
        self.slots[Int(slot)].generation &+= 1
        self.freeSlots.append(slot)
        if index < self.heap.count {
            self.siftDown(index)
            self.siftUp(index)
        }
    }

    private func less(_ x: Entry, _ y: Entry) -> Bool {
        x.deadline < y.deadline || (x.deadline == y.deadline && x.sequence < y.sequence)
    }

    private mutating func siftUp(_ start: Int) {
        var index = start
        while index > 0 {
            let parent = (index - 1) / 2
            guard self.less(self.heap[index], self.heap[parent]) else { break }
            self.swap(index, parent)
            index = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var index = start
        let count = self.heap.count
        while true {
            let left = 2 * index + 1
            guard left < count else { break }
            let right = left + 1
            var smallest = left
            if right < count, self.less(self.heap[right], self.heap[left]) { smallest = right }
            guard self.less(self.heap[smallest], self.heap[index]) else { break }
            self.swap(index, smallest)
            index = smallest
        }
    }

    private mutating func swap(_ i: Int, _ j: Int) {
        self.heap.swapAt(i, j)
        self.slots[Int(self.heap[i].slot)].heapIndex = i
        self.slots[Int(self.heap[j].slot)].heapIndex = j
    }
}
