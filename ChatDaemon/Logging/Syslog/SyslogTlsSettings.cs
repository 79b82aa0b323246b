using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace ChatDaemon.Logging.Syslog;

// TLS settings of the TCP transport (RFC 5425). A null validation callback means the system's
// trust store and host-name check, which RFC 5425 §5 requires by default.
internal sealed record SyslogTlsSettings(
    string? ServerName,
    SslProtocols Protocols,
    X509CertificateCollection? ClientCertificates,
    RemoteCertificateValidationCallback? CertificateValidation);
