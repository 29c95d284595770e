package dev.mailferry.connector.office365.internal;

import java.util.List;

/**
 * The Exchange Online PowerShell a tenant administrator runs once so that the app may open the mailboxes over IMAP
 * (Microsoft: "Authenticate an IMAP, POP or SMTP connection using OAuth", service principal and FullAccess), with the
 * app's ids and the project's mailboxes filled in.
 */
final class ExchangeSetupScript {

    private ExchangeSetupScript() {
    }

    /**
     * @param objectId the object id of the app's enterprise application (service principal), or null when it could not
     *                 be looked up
     * @param why      why it could not, for the comment beside the placeholder
     */
    static String write(Office365Endpoint endpoint, List<String> mailboxes, String objectId, String why) {
        StringBuilder script = new StringBuilder();
        script.append("# Exchange Online set-up for Mailferry, to run once by an administrator of tenant ")
                .append(endpoint.tenant()).append(".\n");
        script.append("# 1. In Entra ID, the app registration ").append(endpoint.clientId())
                .append(" needs the application permission\n");
        script.append("#    Office 365 Exchange Online > IMAP.AccessAsApp, with admin consent:\n");
        script.append("#    ").append(endpoint.loginUrl()).append('/').append(endpoint.tenant())
                .append("/adminconsent?client_id=").append(endpoint.clientId()).append('\n');
        script.append("# 2. In PowerShell 7 with the ExchangeOnlineManagement module (Install-Module ExchangeOnlineManagement):\n");
        if (objectId == null) {
            script.append("#    fill in the Object ID of the app's enterprise application (Entra ID > Enterprise applications;\n");
            script.append("#    not the object id of the app registration), then run the rest.\n");
            script.append("#    (Not looked up: ").append(why == null ? "unknown" : why.replace('\n', ' ')).append(")\n\n");
        } else {
            script.append("#    the enterprise application's object id below was looked up through Microsoft Graph.\n\n");
        }
        script.append("$ErrorActionPreference = 'Stop'\n");
        script.append("$appId = '").append(quote(endpoint.clientId())).append("'\n");
        script.append("$objectId = '").append(objectId == null ? "<OBJECT ID OF THE ENTERPRISE APPLICATION>" : quote(objectId))
                .append("'\n");
        script.append("Connect-ExchangeOnline -Organization '").append(quote(endpoint.tenant())).append("'\n");
        script.append("if (-not (Get-ServicePrincipal -Identity $appId -ErrorAction SilentlyContinue)) {\n");
        script.append("    New-ServicePrincipal -AppId $appId -ObjectId $objectId -DisplayName 'Mailferry migration'\n");
        script.append("}\n");
        script.append("$servicePrincipal = Get-ServicePrincipal -Identity $appId\n");
        script.append("$mailboxes = @(\n");
        for (int i = 0; i < mailboxes.size(); i++) {
            script.append("    '").append(quote(mailboxes.get(i))).append('\'').append(i < mailboxes.size() - 1 ? "," : "")
                    .append('\n');
        }
        script.append(")\n");
        script.append("foreach ($mailbox in $mailboxes) {\n");
        script.append("    Add-MailboxPermission -Identity $mailbox -User $servicePrincipal.Identity -AccessRights FullAccess"
                + " -InheritanceType All | Out-Null\n");
        script.append("    Write-Host \"FullAccess for the app on $mailbox\"\n");
        script.append("}\n");
        script.append("# Then: mailferry target test (checks the token, its permissions and the IMAP login of a mailbox)\n");
        return script.toString();
    }

    /** Inside single quotes, PowerShell takes everything literally but a single quote, which is doubled. */
    static String quote(String text) {
        return text.replace("'", "''");
    }
}
