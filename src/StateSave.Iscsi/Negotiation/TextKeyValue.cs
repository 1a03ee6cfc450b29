namespace StateSave.Iscsi.Negotiation;

/// <summary>One key=value pair of a text data segment (RFC 7143 §6.1). Strings are the UTF-8 decoded bytes.</summary>
public readonly record struct TextKeyValue(string Key, string Value)
{
    public override string ToString() => Key + "=" + Value;
}
