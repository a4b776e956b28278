using System.Buffers.Binary;
using System.Text;

namespace OecCloudFw.Server.Shells;

/// <summary>The SSH wire encoding (RFC 4251 §5) the agent protocol and key blobs use: uint32 and length-prefixed strings.</summary>
internal sealed class SshWire
{
    private readonly byte[] _data;
    private int _offset;

    public SshWire(byte[] data) => _data = data;

    public bool AtEnd => _offset >= _data.Length;

    public byte ReadByte() => _offset < _data.Length ? _data[_offset++] : throw new FormatException("truncated SSH data");

    public uint ReadUInt32()
    {
        if (_data.Length - _offset < 4)
        {
            throw new FormatException("truncated SSH data");
        }

        var value = BinaryPrimitives.ReadUInt32BigEndian(_data.AsSpan(_offset, 4));
        _offset += 4;
        return value;
    }

    public byte[] ReadBytes()
    {
        var length = ReadUInt32();
        if (length > _data.Length - _offset)
        {
            throw new FormatException("truncated SSH data");
        }

        var value = _data.AsSpan(_offset, (int)length).ToArray();
        _offset += (int)length;
        return value;
    }

    public string ReadString() => Encoding.UTF8.GetString(ReadBytes());

    /// <summary>The key type a public key (or certificate) blob starts with.</summary>
    public static string KeyType(byte[] blob) => new SshWire(blob).ReadString();

    public static void WriteUInt32(Stream stream, uint value)
    {
        Span<byte> buffer = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(buffer, value);
        stream.Write(buffer);
    }

    public static void WriteBytes(Stream stream, byte[] value)
    {
        WriteUInt32(stream, (uint)value.Length);
        stream.Write(value);
    }
}
