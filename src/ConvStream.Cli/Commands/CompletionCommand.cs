using System.CommandLine;
using ConvStream.Cli.CommandLine;

namespace ConvStream.Cli.Commands;

/// <summary>
/// <c>convstream completion bash|zsh|pwsh</c>: prints a script that makes the shell ask
/// <c>convstream [suggest:N] "LINE"</c> (System.CommandLine's completion directive) for the words
/// that can follow: commands, op names, options, stage names, choices. Where it has nothing to
/// offer (a file name), the shell completes file names as usual.
/// </summary>
public static class CompletionCommand
{
    public const string Summary = "print the tab-completion script for bash, zsh or pwsh (PowerShell) to source";

    public static readonly string[] Shells = ["bash", "zsh", "pwsh"];

    internal static Command Create()
    {
        var shell = CliOption.Positional("SHELL", "a shell: bash, zsh or pwsh", "bash, zsh or pwsh (PowerShell)");
        shell.CompletionSources.Add(Shells);
        var command = new VerbCommand("completion", Summary, "usage: convstream completion bash|zsh|pwsh")
        {
            Notes = "The script asks convstream itself ([suggest:N] directive) for what may follow the cursor, so it always\n" +
                    "matches the installed version: commands, op names (op), options, stage names (--stage), choices.",
            Examples =
            [
                "source <(convstream completion bash)          # bash, now; add it to ~/.bashrc to keep it",
                "source <(convstream completion zsh)           # zsh (after compinit)",
                "convstream completion pwsh | Out-String | Invoke-Expression   # PowerShell; add it to $PROFILE",
            ],
        };
        command.Arguments.Add(shell);
        command.SetAction(r =>
        {
            string name = r.GetValue(shell)!;
            Console.Out.Write(name switch
            {
                "bash" => Bash,
                "zsh" => Zsh,
                "pwsh" or "powershell" => PowerShell,
                _ => throw new UsageException($"shell '{name}' is not bash, zsh or pwsh"),
            });
            return 0;
        });
        return command;
    }

    /// <summary>
    /// bash: the line up to the cursor (COMP_LINE/COMP_POINT while completing; joined COMP_WORDS when
    /// the function is called by hand), without the program's own name, goes to [suggest:N].
    /// </summary>
    internal const string Bash = """
        # convstream tab completion for bash. Load it with: source <(convstream completion bash)
        _convstream_complete()
        {
            local line exe="${COMP_WORDS[0]}"
            if [[ -n "${COMP_LINE-}" && -n "${COMP_POINT-}" ]]; then
                line="${COMP_LINE:0:COMP_POINT}"
            else
                line="${COMP_WORDS[*]:0:COMP_CWORD+1}"
            fi
            line="${line#"$exe"}"
            line="${line#"${line%%[![:space:]]*}"}"
            # The word being completed as convstream sees it (bash itself also breaks words at : and =).
            local cur="${line##*[[:space:]]}" item
            local IFS=$'\n'
            local -a all=($("$exe" "[suggest:${#line}]" "$line" 2>/dev/null))
            COMPREPLY=()
            for item in "${all[@]}"; do
                [[ "$item" == "$cur"* ]] || continue
                if [[ "$cur" == *[:=]* ]]; then item="${item#"${cur%"${cur##*[:=]}"}"}"; fi
                COMPREPLY+=("$item")
            done
            # "gaussian:size=" wants its value next, not a space.
            if [[ ${#COMPREPLY[@]} -eq 1 && "${COMPREPLY[0]}" == *[=:] ]]; then compopt -o nospace 2>/dev/null; fi
            return 0
        }
        complete -o default -F _convstream_complete convstream

        """;

    internal const string Zsh = """
        #compdef convstream
        # convstream tab completion for zsh. Load it with: source <(convstream completion zsh)
        _convstream() {
            local exe="${words[1]}"
            local line="${(j: :)${(@)words[2,CURRENT]}}"
            local -a items
            items=("${(@f)$("$exe" "[suggest:${#line}]" "$line" 2>/dev/null)}")
            items=(${items:#})
            if (( ${#items} )); then compadd -Q -- "${items[@]}"; else _files; fi
        }
        compdef _convstream convstream

        """;

    internal const string PowerShell = """
        # convstream tab completion for PowerShell. Load it with: convstream completion pwsh | Out-String | Invoke-Expression
        Register-ArgumentCompleter -Native -CommandName convstream -ScriptBlock {
            param($wordToComplete, $commandAst, $cursorPosition)
            $exe = $commandAst.CommandElements[0].ToString()
            $text = $commandAst.ToString()
            $offset = $cursorPosition - $commandAst.Extent.StartOffset
            $upTo = $text.Substring(0, [Math]::Min($text.Length, $offset))
            if ($offset -gt $text.Length) { $upTo += ' ' }
            $line = $upTo.Substring($exe.Length).TrimStart()
            & $exe "[suggest:$($line.Length)]" $line 2>$null | ForEach-Object {
                [System.Management.Automation.CompletionResult]::new($_, $_, 'ParameterValue', $_)
            }
        }

        """;
}
