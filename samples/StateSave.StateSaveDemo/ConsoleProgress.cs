namespace StateSave.StateSaveDemo;

/// <summary>Prints each progress line as it is reported (synchronously, so lines keep their order).</summary>
internal sealed class ConsoleProgress(Action<string> print) : IProgress<string>
{
    public void Report(string value) => print(value);
}
