/**
 * Which identifier kinds can take part in parley's threads. ACS also admits phone numbers (`4:…`),
 * Teams users (`8:orgid:…`, `8:teamsvisitor:…`) and Teams apps (`28:…`) through its Teams and PSTN
 * interop; parley has no such interop, so only Communication Services users (`8:acs:…`) qualify.
 */
export const isSupportedParticipant = (rawId: string): boolean => rawId.startsWith('8:acs:');

function kindOf(rawId: string): string {
  if (rawId.startsWith('4:')) return 'a phone number (phoneNumber)';
  if (rawId.startsWith('28:')) return 'a Teams app (microsoftTeamsApp)';
  if (/^8:(?:orgid|dod|gcch|teamsvisitor):/.test(rawId)) return 'a Teams user (microsoftTeamsUser)';
  return 'an identifier of an unknown kind';
}

/** Why `rawId` cannot be a participant, naming the kind parley does support. */
export function unsupportedIdentifierMessage(rawId: string): string {
  return (
    `'${rawId.slice(0, 128)}' is ${kindOf(rawId)}; this backend supports only Communication Services users ` +
    `(kind communicationUser, raw id 8:acs:…, made by the Identity API).`
  );
}
