namespace StateSave.Storage.ModePages;

/// <summary>PC field of MODE SENSE (SPC-5 §6.14.1): which values to return.</summary>
public enum ModePageControl : byte
{
    Current = 0,
    Changeable = 1,
    Default = 2,
    Saved = 3,
}
