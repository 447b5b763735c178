"""S3 Glacier vaults (the vault API, not S3 storage classes); tags take a ListTagsForVault
call each. Vault names are unique per account and region; ARNs are
glacier:{region}:{account}:vaults/<name>."""

from __future__ import annotations

from estate.resources.spec import Detail, ResourceSpec

# "-" is the account of the credentials: the collecting account's own vaults.
_SELF = {"accountId": "-"}

VAULT = ResourceSpec(
    type="glacier:vault",
    service="glacier",
    operation="ListVaults",
    items="VaultList",
    id="VaultName",
    name="VaultName",
    arn="VaultARN",
    arn_template="arn:{partition}:glacier:{region}:{account}:vaults/{id}",
    tags="Tags",
    params={**_SELF, "limit": "1000"},  # the API's largest page (a string, as the API has it)
    details=(
        Detail(
            "ListTagsForVault",
            {"vaultName": "VaultName"},
            into="Tags",
            result="Tags",
            constants=_SELF,
        ),
    ),
    # The inventory (last taken about once a day) counts the archives and their bytes.
    volatile=("LastInventoryDate", "NumberOfArchives", "SizeInBytes"),
)

SPECS = (VAULT,)
