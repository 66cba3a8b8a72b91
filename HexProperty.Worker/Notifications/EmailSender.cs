using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;

namespace HexProperty.Worker.Notifications;

/// <summary>An email to send: plain text, one recipient. <see cref="Id"/> makes sending idempotent.</summary>
public sealed record EmailMessage(string Id, string To, string Subject, string Body);

/// <summary>Sends email. Sending the same <see cref="EmailMessage.Id"/> twice must not deliver twice.</summary>
public interface IEmailSender
{
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}

public sealed class EmailOptions
{
    /// <summary>Where <see cref="PickupFolderEmailSender"/> writes .eml files (there is no mail server here).</summary>
    public string PickupFolder { get; set; } = Path.Combine(Path.GetTempPath(), "hexproperty-mail");

    public string From { get; set; } = "HexProperty <no-reply@hexproperty.local>";
}

/// <summary>
/// Writes each message as an RFC 5322 .eml file (UTF-8, base64 body, RFC 2047 subject) named by its id, the way an
/// SMTP server's pickup folder takes them; any mail client opens it. Written to a temporary name and renamed, so a
/// reader never sees half a message, and a resend overwrites the same file.
/// </summary>
public sealed class PickupFolderEmailSender(IOptions<EmailOptions> options, TimeProvider time) : IEmailSender
{
    public async Task SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        Directory.CreateDirectory(settings.PickupFolder);
        var name = string.Concat(message.Id.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_'));
        var path = Path.Combine(settings.PickupFolder, name + ".eml");
        var temporary = path + ".tmp";
        await File.WriteAllTextAsync(temporary, Format(message, settings.From, time.GetUtcNow()), new UTF8Encoding(false), cancellationToken);
        File.Move(temporary, path, overwrite: true);
    }

    public static string Format(EmailMessage message, string from, DateTimeOffset date)
    {
        var text = new StringBuilder();
        text.Append("From: ").Append(from).Append("\r\n");
        text.Append("To: ").Append(message.To.ReplaceLineEndings(" ")).Append("\r\n");
        text.Append("Subject: ").Append(EncodeHeader(message.Subject.ReplaceLineEndings(" "))).Append("\r\n");
        text.Append("Date: ").Append(date.ToString("ddd, dd MMM yyyy HH:mm:ss +0000", CultureInfo.InvariantCulture)).Append("\r\n");
        text.Append("Message-ID: <").Append(message.Id).Append("@hexproperty.local>\r\n");
        text.Append("MIME-Version: 1.0\r\n");
        text.Append("Content-Type: text/plain; charset=utf-8\r\n");
        text.Append("Content-Transfer-Encoding: base64\r\n\r\n");
        var body = Convert.ToBase64String(Encoding.UTF8.GetBytes(message.Body.ReplaceLineEndings("\r\n")));
        for (var i = 0; i < body.Length; i += 76)
        {
            text.Append(body.AsSpan(i, Math.Min(76, body.Length - i))).Append("\r\n");
        }

        return text.ToString();
    }

    /// <summary>ASCII stays as it is; anything else becomes an RFC 2047 encoded word.</summary>
    private static string EncodeHeader(string value) =>
        value.All(char.IsAscii) ? value : "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";
}
