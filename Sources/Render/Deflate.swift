/// A small DEFLATE compressor (RFC 1951): greedy LZ77 over a 32 KB window with hash chains, coded with
/// the fixed Huffman tables in one block. Pictures with flat areas (plots, rendered scenes) shrink 20-100
/// times; it is written for PNG files, not for speed records.
enum Deflate {
    /// The raw DEFLATE stream of `input` (no zlib header).
    static func compress(_ input: [UInt8]) -> [UInt8] {
        var writer = BitWriter()
        writer.write(1, bits: 1)  // BFINAL
        writer.write(1, bits: 2)  // BTYPE 01: fixed Huffman codes
        let count = input.count
        let hashSize = 1 << 15, window = 32_768, maximumChain = 32
        var head = [Int32](repeating: -1, count: hashSize)
        var previous = [Int32](repeating: -1, count: window)
        input.withUnsafeBufferPointer { bytes in
            func hash(_ position: Int) -> Int {
                (Int(bytes[position]) << 10 ^ Int(bytes[position + 1]) << 5 ^ Int(bytes[position + 2])) & (hashSize - 1)
            }
            func insert(_ position: Int) {
                guard position + 2 < count else { return }
                let key = hash(position)
                previous[position & (window - 1)] = head[key]
                head[key] = Int32(position)
            }
            var position = 0
            while position < count {
                var bestLength = 0, bestDistance = 0
                if position + 2 < count {
                    var candidate = Int(head[hash(position)]), chain = 0
                    let limit = min(258, count - position)
                    while candidate >= 0 && position - candidate <= window && chain < maximumChain {
                        var length = 0
                        while length < limit && bytes[candidate + length] == bytes[position + length] { length += 1 }
                        if length > bestLength {
                            bestLength = length
                            bestDistance = position - candidate
                            if length == limit { break }
                        }
                        let next = Int(previous[candidate & (window - 1)])
                        if next >= candidate { break }
                        candidate = next
                        chain += 1
                    }
                }
                if bestLength >= 3 {
                    writer.writeLength(bestLength)
                    writer.writeDistance(bestDistance)
                    for offset in 0..<bestLength { insert(position + offset) }
                    position += bestLength
                } else {
                    writer.writeLiteral(Int(bytes[position]))
                    insert(position)
                    position += 1
                }
            }
        }
        writer.writeLiteral(256)  // end of block
        return writer.finish()
    }

    /// Bits packed least-significant first, as DEFLATE stores them; Huffman codes go in bit-reversed.
    struct BitWriter {
        private(set) var bytes: [UInt8] = []
        private var buffer: UInt64 = 0, filled = 0

        mutating func write(_ value: Int, bits: Int) {
            buffer |= UInt64(value) << UInt64(filled)
            filled += bits
            while filled >= 8 {
                bytes.append(UInt8(truncatingIfNeeded: buffer))
                buffer >>= 8
                filled -= 8
            }
        }

        /// A Huffman code of `bits` bits, most significant bit first.
        mutating func writeCode(_ code: Int, bits: Int) {
            var reversed = 0
            for bit in 0..<bits where code & (1 << bit) != 0 { reversed |= 1 << (bits - 1 - bit) }
            write(reversed, bits: bits)
        }

        /// A literal/length symbol 0...287 in the fixed code.
        mutating func writeLiteral(_ symbol: Int) {
            switch symbol {
            case 0...143: writeCode(0x30 + symbol, bits: 8)
            case 144...255: writeCode(0x190 + symbol - 144, bits: 9)
            case 256...279: writeCode(symbol - 256, bits: 7)
            default: writeCode(0xC0 + symbol - 280, bits: 8)
            }
        }

        mutating func writeLength(_ length: Int) {
            var index = Deflate.lengthBases.count - 1
            while Deflate.lengthBases[index] > length { index -= 1 }
            writeLiteral(257 + index)
            write(length - Deflate.lengthBases[index], bits: Deflate.lengthExtraBits[index])
        }

        mutating func writeDistance(_ distance: Int) {
            var index = Deflate.distanceBases.count - 1
            while Deflate.distanceBases[index] > distance { index -= 1 }
            writeCode(index, bits: 5)
            write(distance - Deflate.distanceBases[index], bits: Deflate.distanceExtraBits[index])
        }

        /// The bytes, the last one padded with zero bits.
        mutating func finish() -> [UInt8] {
            if filled > 0 { bytes.append(UInt8(truncatingIfNeeded: buffer)) }
            buffer = 0
            filled = 0
            return bytes
        }
    }

    static let lengthBases = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258,
    ]
    static let lengthExtraBits = [0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0]
    static let distanceBases = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537, 2049, 3073,
        4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtraBits = [0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13]
}
