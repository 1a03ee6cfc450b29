namespace StateSave.Storage.ModePages;

/// <summary>
/// The mode pages of one logical unit (shared by all I_T nexuses): current, changeable and default
/// values as page bytes. MODE SELECT may change only the bits the changeable mask allows; any other
/// difference from the current value is INVALID FIELD IN PARAMETER LIST (SPC-5 §6.11). Saved pages are
/// not implemented. Thread-safe.
/// </summary>
internal sealed class ModeParameters
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<byte, Page> _pages = [];

    public ModeParameters(bool writeCacheEnabled)
    {
        // Read-Write Error Recovery (SBC-4 §6.5.9): AWRE and ARRE set, nothing changeable.
        Add(ModePageCode.ReadWriteErrorRecovery, [0x01, 0x0a, 0xc0, 0, 0, 0, 0, 0, 0, 0, 0, 0], new byte[12]);

        // Caching (SBC-4 §6.5.5): WCE (byte 2 bit 2) changeable.
        byte[] caching = new byte[20];
        caching[0] = ModePageCode.Caching;
        caching[1] = 0x12;
        caching[2] = writeCacheEnabled ? (byte)0x04 : (byte)0;
        byte[] cachingMask = new byte[20];
        cachingMask[2] = 0x04;
        Add(ModePageCode.Caching, caching, cachingMask);

        // Control (SPC-5 §7.5.8): QUEUE ALGORITHM MODIFIER 1 (unrestricted reordering), TAS set,
        // BUSY TIMEOUT PERIOD unlimited; D_SENSE (byte 2 bit 2) and SWP (byte 4 bit 3) changeable.
        byte[] control = [ModePageCode.Control, 0x0a, 0x00, 0x10, 0x00, 0x40, 0, 0, 0xff, 0xff, 0, 0];
        byte[] controlMask = new byte[12];
        controlMask[2] = 0x04;
        controlMask[4] = 0x08;
        Add(ModePageCode.Control, control, controlMask);

        // Informational Exceptions Control (SPC-5 §7.5.12): DEXCPT set (no reporting), DEXCPT changeable.
        byte[] informational = [ModePageCode.InformationalExceptionsControl, 0x0a, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        byte[] informationalMask = new byte[12];
        informationalMask[2] = 0x08;
        Add(ModePageCode.InformationalExceptionsControl, informational, informationalMask);
    }

    /// <summary>D_SENSE of the Control page: report sense data in descriptor format.</summary>
    public bool DescriptorSense => GetBit(ModePageCode.Control, 2, 0x04);

    /// <summary>SWP of the Control page: software write protect.</summary>
    public bool SoftwareWriteProtect => GetBit(ModePageCode.Control, 4, 0x08);

    /// <summary>WCE of the Caching page.</summary>
    public bool WriteCacheEnabled => GetBit(ModePageCode.Caching, 2, 0x04);

    public IEnumerable<byte> PageCodes => _pages.Keys;

    public bool Exists(byte pageCode) => _pages.ContainsKey(pageCode);

    /// <summary>Page length including the two header bytes.</summary>
    public int GetLength(byte pageCode) => _pages[pageCode].Current.Length;

    /// <summary>Copies the page as <paramref name="control"/> asks into <paramref name="destination"/>; returns its length.</summary>
    public int Write(byte pageCode, ModePageControl control, Span<byte> destination)
    {
        Page page = _pages[pageCode];
        lock (_lock)
        {
            byte[] source = control switch
            {
                ModePageControl.Changeable => page.Changeable,
                ModePageControl.Default => page.Default,
                _ => page.Current,
            };
            source.CopyTo(destination);
        }

        if (control == ModePageControl.Changeable)
        {
            // The header bytes of the changeable page are the page code and length, not a mask.
            destination[0] = pageCode;
            destination[1] = (byte)(page.Current.Length - 2);
        }

        return page.Current.Length;
    }

    /// <summary>
    /// Validates a page from a MODE SELECT parameter list and, only if all of it is acceptable, applies it.
    /// On error <paramref name="errorOffset"/> is the byte within the page in error, with an optional bit.
    /// With <paramref name="apply"/> false it only validates. <paramref name="changed"/> tells whether a value changed.
    /// </summary>
    public bool TryApply(ReadOnlySpan<byte> pageBytes, bool apply, out bool changed, out int errorOffset, out int? errorBit)
    {
        changed = false;
        errorBit = null;
        errorOffset = 0;
        byte pageCode = (byte)(pageBytes[0] & 0x3f);
        if ((pageBytes[0] & 0x40) != 0 || !_pages.TryGetValue(pageCode, out Page? page))
        {
            // SPF set (no subpages implemented) or unknown page.
            errorBit = (pageBytes[0] & 0x40) != 0 ? 6 : null;
            return false;
        }

        if (pageBytes.Length != page.Current.Length || pageBytes[1] != page.Current.Length - 2)
        {
            errorOffset = 1;
            return false;
        }

        lock (_lock)
        {
            for (int i = 2; i < pageBytes.Length; i++)
            {
                int fixedBits = (pageBytes[i] ^ page.Current[i]) & ~page.Changeable[i];
                if (fixedBits != 0)
                {
                    errorOffset = i;
                    errorBit = 31 - int.LeadingZeroCount(fixedBits);
                    return false;
                }
            }

            for (int i = 2; apply && i < pageBytes.Length; i++)
            {
                if (page.Current[i] != pageBytes[i])
                {
                    changed = true;
                    page.Current[i] = pageBytes[i];
                }
            }
        }

        return true;
    }

    /// <summary>Back to the default values (a logical unit reset does not do this; a power on would).</summary>
    public void Reset()
    {
        lock (_lock)
        {
            foreach (Page page in _pages.Values)
            {
                page.Default.CopyTo(page.Current, 0);
            }
        }
    }

    private bool GetBit(byte pageCode, int offset, byte mask)
    {
        lock (_lock)
        {
            return (_pages[pageCode].Current[offset] & mask) != 0;
        }
    }

    private void Add(byte pageCode, byte[] defaults, byte[] changeable) =>
        _pages[pageCode] = new Page((byte[])defaults.Clone(), defaults, changeable);

    private sealed record Page(byte[] Current, byte[] Default, byte[] Changeable);
}
