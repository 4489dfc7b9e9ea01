import Foundation
import Gym

/// Encodes a frame as a PNG file with no external library (RGB, 8 bits, compressed by `Deflate`):
/// for frames, plots and committed reference images.
public enum PNGEncoder {
    /// The PNG bytes of `frame`.
    public static func encode(_ frame: Frame) -> Data {
        var raw = [UInt8]()
        raw.reserveCapacity(frame.height * (frame.width * 3 + 1))
        for row in 0..<frame.height {
            raw.append(0)  // filter: none
            raw.append(contentsOf: frame.pixels[(row * frame.width * 3)..<((row + 1) * frame.width * 3)])
        }
        var zlib: [UInt8] = [0x78, 0x01]
        zlib.append(contentsOf: Deflate.compress(raw))
        var a: UInt32 = 1, b: UInt32 = 0
        for byte in raw { a = (a + UInt32(byte)) % 65_521; b = (b + a) % 65_521 }
        zlib.append(contentsOf: bigEndian(b << 16 | a))

        var data = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = bigEndian(UInt32(frame.width)) + bigEndian(UInt32(frame.height))
        header.append(contentsOf: [8, 2, 0, 0, 0])  // 8-bit RGB, deflate, no filter method, no interlace
        appendChunk("IHDR", header, to: &data)
        appendChunk("IDAT", zlib, to: &data)
        appendChunk("IEND", [], to: &data)
        return data
    }

    private static func appendChunk(_ type: String, _ body: [UInt8], to data: inout Data) {
        data.append(contentsOf: bigEndian(UInt32(body.count)))
        let typed = Array(type.utf8) + body
        data.append(contentsOf: typed)
        data.append(contentsOf: bigEndian(crc32(typed)))
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
    }

    private static let crcTable: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (ISO-HDLC), as PNG chunks use.
    static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for byte in bytes { c = crcTable[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }
}
