"""The reviewer workspace: labelling units and linking sources."""
