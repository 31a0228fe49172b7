"""News-copy segmentation cases, as (text, expected_sentences) pairs, grouped by trap.

Wire-style sentences written for this project, plus passages of the reference article
samples/azerbaijan-offensive-2023-09-19.txt (marked "sample"). Every line break ends a unit.
"""

NEWS_CASES: list[tuple[str, list[str]]] = [
    # --- titles and abbreviations ----------------------------------------------------------
    (
        "Sen. Elizabeth Warren, D-Mass., said Tuesday that the bill would not pass. "
        "Republicans disagreed.",
        [
            "Sen. Elizabeth Warren, D-Mass., said Tuesday that the bill would not pass.",
            "Republicans disagreed.",
        ],
    ),
    (
        "Gen. Mark Milley, chairman of the Joint Chiefs of Staff, spoke with his Chinese "
        "counterpart. The call lasted an hour.",
        [
            "Gen. Mark Milley, chairman of the Joint Chiefs of Staff, spoke with his Chinese "
            "counterpart.",
            "The call lasted an hour.",
        ],
    ),
    (
        "Dr. Anthony Fauci testified before the committee. Mrs. Clinton and Mr. Obama attended "
        "the ceremony.",
        [
            "Dr. Anthony Fauci testified before the committee.",
            "Mrs. Clinton and Mr. Obama attended the ceremony.",
        ],
    ),
    (
        "“Enough is enough,” said Lt. Col. Sarah Jones. “We are leaving.”",
        ["“Enough is enough,” said Lt. Col. Sarah Jones.", "“We are leaving.”"],
    ),
    (
        "The Rev. Martin Luther King Jr. delivered the speech in 1963. It became one of the most "
        "famous in U.S. history.",
        [
            "The Rev. Martin Luther King Jr. delivered the speech in 1963.",
            "It became one of the most famous in U.S. history.",
        ],
    ),
    (
        "St. Louis Mayor Tishaura Jones spoke first. Gov. Mike Parson followed.",
        ["St. Louis Mayor Tishaura Jones spoke first.", "Gov. Mike Parson followed."],
    ),
    (
        "Shares of Apple Inc. rose 2.3% in early trading. Microsoft Corp. fell 1.1%.",
        ["Shares of Apple Inc. rose 2.3% in early trading.", "Microsoft Corp. fell 1.1%."],
    ),
    (
        "The deal was announced by Acme Holdings Inc. The company did not disclose terms.",
        ["The deal was announced by Acme Holdings Inc.", "The company did not disclose terms."],
    ),
    (
        "Growth hit 2.1% in the second quarter, the Commerce Dept. said Thursday.",
        ["Growth hit 2.1% in the second quarter, the Commerce Dept. said Thursday."],
    ),
    (
        "He earned a Ph.D. in economics from Harvard. He later taught at M.I.T. for a decade.",
        ["He earned a Ph.D. in economics from Harvard.", "He later taught at M.I.T. for a decade."],
    ),
    (
        "The ruling in Roe v. Wade stood for nearly 50 years. It was overturned in 2022.",
        ["The ruling in Roe v. Wade stood for nearly 50 years.", "It was overturned in 2022."],
    ),
    (
        "Mt. Everest's summit was closed for the season. Climbers were told to descend.",
        ["Mt. Everest's summit was closed for the season.", "Climbers were told to descend."],
    ),
    (
        "The shelter needs blankets, water, medicine, etc. Donations can be dropped off daily.",
        [
            "The shelter needs blankets, water, medicine, etc.",
            "Donations can be dropped off daily.",
        ],
    ),
    (
        "Volunteers brought tents, stoves, etc., to the border crossing.",
        ["Volunteers brought tents, stoves, etc., to the border crossing."],
    ),
    # --- countries and places ----------------------------------------------------------------
    (
        "The U.S. and the U.K. issued a joint statement on Monday. It called for an immediate "
        "ceasefire.",
        [
            "The U.S. and the U.K. issued a joint statement on Monday.",
            "It called for an immediate ceasefire.",
        ],
    ),
    (
        "Exports to the U.S. fell 4% in March. The decline was the steepest since 2020.",
        ["Exports to the U.S. fell 4% in March.", "The decline was the steepest since 2020."],
    ),
    (
        "Talks will resume in the U.K. The date has not been set.",
        ["Talks will resume in the U.K.", "The date has not been set."],
    ),
    (
        "The U.N. Security Council met for three hours. No resolution was adopted.",
        ["The U.N. Security Council met for three hours.", "No resolution was adopted."],
    ),
    (
        "Officials at the E.U. Commission declined to comment.",
        ["Officials at the E.U. Commission declined to comment."],
    ),
    (
        "Did the U.S. know in advance? Officials would not say.",
        ["Did the U.S. know in advance?", "Officials would not say."],
    ),
    (
        "The fire started in a warehouse in Fresno, Calif. It spread to two nearby buildings.",
        ["The fire started in a warehouse in Fresno, Calif.", "It spread to two nearby buildings."],
    ),
    (
        "The storm made landfall near Lake Charles, La., early Thursday. More than 400,000 "
        "customers lost power.",
        [
            "The storm made landfall near Lake Charles, La., early Thursday.",
            "More than 400,000 customers lost power.",
        ],
    ),
    (
        "Rep. Alexandria Ocasio-Cortez, D-N.Y., and Sen. Ted Cruz, R-Texas, rarely agree.",
        ["Rep. Alexandria Ocasio-Cortez, D-N.Y., and Sen. Ted Cruz, R-Texas, rarely agree."],
    ),
    (
        "The plane landed at Ft. Lauderdale-Hollywood International Airport at 9:15 a.m. "
        "Passengers were evacuated.",
        [
            "The plane landed at Ft. Lauderdale-Hollywood International Airport at 9:15 a.m.",
            "Passengers were evacuated.",
        ],
    ),
    # --- dates, times and numbers ------------------------------------------------------------
    (
        "The meeting is scheduled for Jan. 15 in Geneva. Officials from 12 countries will attend.",
        [
            "The meeting is scheduled for Jan. 15 in Geneva.",
            "Officials from 12 countries will attend.",
        ],
    ),
    (
        "The talks were held Sept. 20-21 in Yevlakh. Azerbaijan presented its reintegration plan.",
        [
            "The talks were held Sept. 20-21 in Yevlakh.",
            "Azerbaijan presented its reintegration plan.",
        ],
    ),
    (
        "Unemployment was 3.9% in Oct. The rate has stayed below 4% for two years.",
        ["Unemployment was 3.9% in Oct.", "The rate has stayed below 4% for two years."],
    ),
    (
        "Interstate 95 was closed at 6:45 p.m. Friday after the crash. It reopened at 2 a.m. "
        "Saturday.",
        [
            "Interstate 95 was closed at 6:45 p.m. Friday after the crash.",
            "It reopened at 2 a.m. Saturday.",
        ],
    ),
    (
        "The vote is set for 3 p.m. Senators were still negotiating late Wednesday.",
        ["The vote is set for 3 p.m.", "Senators were still negotiating late Wednesday."],
    ),
    (
        "Polls close at 8 p.m. EST. Results are expected by midnight.",
        ["Polls close at 8 p.m. EST.", "Results are expected by midnight."],
    ),
    (
        "The explosion occurred at about 7 p.m. local time, the ministry said.",
        ["The explosion occurred at about 7 p.m. local time, the ministry said."],
    ),
    (
        "He finished No. 5 in the standings. No. 1 seed Carlos Alcaraz advanced.",
        ["He finished No. 5 in the standings.", "No. 1 seed Carlos Alcaraz advanced."],
    ),
    (
        "The company's market value reached $3.5 billion. Analysts had expected $3.1 billion.",
        ["The company's market value reached $3.5 billion.", "Analysts had expected $3.1 billion."],
    ),
    (
        "The index closed at 4,783.35. It gained 0.8% for the week.",
        ["The index closed at 4,783.35.", "It gained 0.8% for the week."],
    ),
    (
        "The measure passed 52-48. Two Democrats voted against it.",
        ["The measure passed 52-48.", "Two Democrats voted against it."],
    ),
    (
        "Pi is usually rounded to 3.14 in the exam. Students may not use calculators.",
        ["Pi is usually rounded to 3.14 in the exam.", "Students may not use calculators."],
    ),
    # --- initials ----------------------------------------------------------------------------
    (
        "The novel was written by J. R. R. Tolkien in the 1930s. It sold millions of copies.",
        ["The novel was written by J. R. R. Tolkien in the 1930s.", "It sold millions of copies."],
    ),
    (
        "Former President George W. Bush attended the funeral. So did Bill Clinton.",
        ["Former President George W. Bush attended the funeral.", "So did Bill Clinton."],
    ),
    (
        "The memo was drafted by John F. Kennedy's advisers in 1961.",
        ["The memo was drafted by John F. Kennedy's advisers in 1961."],
    ),
    (
        "The report was written by A. J. Smith and B. Jones of the Brookings Institution.",
        ["The report was written by A. J. Smith and B. Jones of the Brookings Institution."],
    ),
    # --- quotations --------------------------------------------------------------------------
    (
        "“We will not back down,” the minister said. “The operation will continue until its "
        "goals are met.”",
        [
            "“We will not back down,” the minister said.",
            "“The operation will continue until its goals are met.”",
        ],
    ),
    (
        "“Is this the end of the war?” asked one resident. Nobody answered.",
        ["“Is this the end of the war?” asked one resident.", "Nobody answered."],
    ),
    (
        "“Where were the peacekeepers?” Petrosyan said. “They just watched.”",
        ["“Where were the peacekeepers?” Petrosyan said.", "“They just watched.”"],
    ),
    (
        "“Who is responsible for this?” Armenian Prime Minister Nikol Pashinyan asked in a "
        "televised address.",
        [
            "“Who is responsible for this?” Armenian Prime Minister Nikol Pashinyan asked in a "
            "televised address."
        ],
    ),
    (
        "The spokesman called the claims 'absolutely false.' He declined to elaborate.",
        ["The spokesman called the claims 'absolutely false.'", "He declined to elaborate."],
    ),
    (
        'She told reporters: "It\'s over." Then she left the podium.',
        ['She told reporters: "It\'s over."', "Then she left the podium."],
    ),
    (
        "“Get out now!” the officer shouted, according to video of the encounter.",
        ["“Get out now!” the officer shouted, according to video of the encounter."],
    ),
    (
        "He asked, 'Why now?' and then hung up.",
        ["He asked, 'Why now?' and then hung up."],
    ),
    (
        "The Kremlin called it “a provocation.” Moscow summoned the ambassador.",
        ["The Kremlin called it “a provocation.”", "Moscow summoned the ambassador."],
    ),
    (
        "Protesters chanted “Karabakh is Armenia!” outside the embassy. Police detained 40 people.",
        [
            "Protesters chanted “Karabakh is Armenia!” outside the embassy.",
            "Police detained 40 people.",
        ],
    ),
    (
        "The group’s leader said the attack was ‘unprovoked.’ The army denied it.",
        ["The group’s leader said the attack was ‘unprovoked.’", "The army denied it."],
    ),
    (
        "“He told me, ‘We have no choice,’ and walked away,” the witness said.",
        ["“He told me, ‘We have no choice,’ and walked away,” the witness said."],
    ),
    (
        "Will the ceasefire hold? Diplomats are not sure. Why would they be?",
        ["Will the ceasefire hold?", "Diplomats are not sure.", "Why would they be?"],
    ),
    (
        "Asked whether he would resign, he said “No.” Then he walked out.",
        ["Asked whether he would resign, he said “No.”", "Then he walked out."],
    ),
    (
        "“Stop!” Police fired tear gas into the crowd moments later.",
        ["“Stop!”", "Police fired tear gas into the crowd moments later."],
    ),
    (
        "The crowd shouted 'Shame!' Police moved in minutes later.",
        ["The crowd shouted 'Shame!'", "Police moved in minutes later."],
    ),
    # --- parentheses and dashes ----------------------------------------------------------------
    (
        "The Organization of the Petroleum Exporting Countries (OPEC) agreed to cut output. "
        "Prices rose 4%.",
        [
            "The Organization of the Petroleum Exporting Countries (OPEC) agreed to cut output.",
            "Prices rose 4%.",
        ],
    ),
    (
        "The company (founded in 1998) employs 4,000 people. (Its headquarters are in Austin.) "
        "Shares fell.",
        [
            "The company (founded in 1998) employs 4,000 people.",
            "(Its headquarters are in Austin.)",
            "Shares fell.",
        ],
    ),
    (
        "The bill (H.R. 2) passed the House. It now goes to the Senate.",
        ["The bill (H.R. 2) passed the House.", "It now goes to the Senate."],
    ),
    (
        "The offensive — the largest since 2020 — began at dawn. Residents fled to shelters.",
        ["The offensive — the largest since 2020 — began at dawn.", "Residents fled to shelters."],
    ),
    (
        "Prices rose sharply -- by as much as 30% -- in some regions. "
        "Officials blamed the drought.",
        [
            "Prices rose sharply -- by as much as 30% -- in some regions.",
            "Officials blamed the drought.",
        ],
    ),
    (
        "KYIV, Ukraine (AP) — Russian drones struck the capital overnight. Air defenses shot down "
        "24 of them.",
        [
            "KYIV, Ukraine (AP) — Russian drones struck the capital overnight.",
            "Air defenses shot down 24 of them.",
        ],
    ),
    (
        "WASHINGTON (Reuters) - The Senate passed the measure 68-32 on Thursday. It now goes to "
        "the House.",
        [
            "WASHINGTON (Reuters) - The Senate passed the measure 68-32 on Thursday.",
            "It now goes to the House.",
        ],
    ),
    # --- URLs and e-mail addresses ---------------------------------------------------------------
    (
        "Read the full report at https://www.un.org/en/reports/2023/index.html. It runs to 120 "
        "pages.",
        [
            "Read the full report at https://www.un.org/en/reports/2023/index.html.",
            "It runs to 120 pages.",
        ],
    ),
    (
        "Tips can be sent to tips@example-news.com. All messages are confidential.",
        ["Tips can be sent to tips@example-news.com.", "All messages are confidential."],
    ),
    (
        "The ministry posted the statement on mod.gov.az. It was later removed.",
        ["The ministry posted the statement on mod.gov.az.", "It was later removed."],
    ),
    (
        "Visit www.example.com/news?id=42&ref=home! Updates are posted hourly.",
        ["Visit www.example.com/news?id=42&ref=home!", "Updates are posted hourly."],
    ),
    (
        "The clip was shared at x.com/AzerbaijanMOD/status/1704048921. Armenia denied the claims.",
        [
            "The clip was shared at x.com/AzerbaijanMOD/status/1704048921.",
            "Armenia denied the claims.",
        ],
    ),
    # --- ellipses ----------------------------------------------------------------------------
    (
        "The statement called the talks “constructive … but difficult.” No date was set.",
        ["The statement called the talks “constructive … but difficult.”", "No date was set."],
    ),
    (
        "He paused... then continued reading the names of the dead.",
        ["He paused... then continued reading the names of the dead."],
    ),
    (
        "The minister's letter ended abruptly.... The rest of the page was blank.",
        ["The minister's letter ended abruptly....", "The rest of the page was blank."],
    ),
    (
        "“I don't know what happens next…” He did not finish the sentence.",
        ["“I don't know what happens next…”", "He did not finish the sentence."],
    ),
    # --- lists -------------------------------------------------------------------------------
    (
        "The agreement has three parts:\n1. A ceasefire starting at noon.\n"
        "2. The withdrawal of heavy weapons.\n3. Talks on the status of the region.",
        [
            "The agreement has three parts:",
            "1. A ceasefire starting at noon.",
            "2. The withdrawal of heavy weapons.",
            "3. Talks on the status of the region.",
        ],
    ),
    (
        "• Ceasefire talks resumed in Geneva\n• Oil prices fell 3%\n"
        "• The UN called an emergency meeting",
        [
            "• Ceasefire talks resumed in Geneva",
            "• Oil prices fell 3%",
            "• The UN called an emergency meeting",
        ],
    ),
    (
        "- Turnout: 61%\n- Winner: Ruling party\n- Runoff: Not needed",
        ["- Turnout: 61%", "- Winner: Ruling party", "- Runoff: Not needed"],
    ),
    (
        "What we know so far:\n* At least 32 people were killed.\n* More than 200 were wounded.",
        [
            "What we know so far:",
            "* At least 32 people were killed.",
            "* More than 200 were wounded.",
        ],
    ),
    (
        "a) Close the border crossings\nb) Restore power to the region",
        ["a) Close the border crossings", "b) Restore power to the region"],
    ),
    (
        "Top stories • Markets rally on rate hopes • Storm hits Gulf Coast",
        ["Top stories", "• Markets rally on rate hopes", "• Storm hits Gulf Coast"],
    ),
    (
        "Their demands: 1. Withdraw the troops 2. Free the prisoners 3. Reopen the road",
        [
            "Their demands:",
            "1. Withdraw the troops",
            "2. Free the prisoners",
            "3. Reopen the road",
        ],
    ),
    (
        "1. Withdraw the troops 2. Free the prisoners 3. Reopen the road",
        ["1. Withdraw the troops", "2. Free the prisoners", "3. Reopen the road"],
    ),
    # --- headlines, captions, bylines, datelines ---------------------------------------------
    (
        "BREAKING\nAzerbaijan says it has taken control of the region.",
        ["BREAKING", "Azerbaijan says it has taken control of the region."],
    ),
    (
        "By Jane Smith and Ali Hassan\nAssociated Press\nUpdated 4:12 PM EDT, September 19, 2023",
        [
            "By Jane Smith and Ali Hassan",
            "Associated Press",
            "Updated 4:12 PM EDT, September 19, 2023",
        ],
    ),
    (
        "Residents gather outside a shelter in Stepanakert on Sept. 19, 2023. "
        "(AP Photo/Siranush Sargsyan)",
        [
            "Residents gather outside a shelter in Stepanakert on Sept. 19, 2023.",
            "(AP Photo/Siranush Sargsyan)",
        ],
    ),
    (
        "BAKU, Azerbaijan (AP) — Azerbaijan's Defense Ministry said Tuesday it had launched "
        "“anti-terrorist activities” in Nagorno-Karabakh. Armenia called it an act of aggression.",
        [
            "BAKU, Azerbaijan (AP) — Azerbaijan's Defense Ministry said Tuesday it had launched "
            "“anti-terrorist activities” in Nagorno-Karabakh.",
            "Armenia called it an act of aggression.",
        ],
    ),
    (
        "Ceasefire Collapses As Shelling Resumes\r\n\r\nSTEPANAKERT, Sept. 20 (Reuters) - "
        "Shelling resumed at dawn.",
        [
            "Ceasefire Collapses As Shelling Resumes",
            "STEPANAKERT, Sept. 20 (Reuters) - Shelling resumed at dawn.",
        ],
    ),
    # --- sample article ------------------------------------------------------------------------
    (  # sample: headline, dateline, lead paragraph
        "Azerbaijan Launches New Offensive In Nagorno-Karabakh (Video)\n\n"
        "Tuesday 19 September 2023 - 13:04\n\n"
        "The army of the Republic of Azerbaijan targeted military positions in the "
        "Nagorno-Karabakh using artillery fire and drones. The statement of the Azerbaijani MOD "
        "indicates the beginning of a new military operation in the Karabakh region against the "
        "Armenians.",
        [
            "Azerbaijan Launches New Offensive In Nagorno-Karabakh (Video)",
            "Tuesday 19 September 2023 - 13:04",
            "The army of the Republic of Azerbaijan targeted military positions in the "
            "Nagorno-Karabakh using artillery fire and drones.",
            "The statement of the Azerbaijani MOD indicates the beginning of a new military "
            "operation in the Karabakh region against the Armenians.",
        ],
    ),
    (  # sample: curly quotes mid-sentence
        "At noon today, the Azerbaijani Ministry of Defense, by publishing a statement, officially "
        "announced the beginning of a “local anti-terrorist operation” against the "
        "Nagorno-Karabakh government. The government of Baku stated that the purpose of this "
        "operation is to disarm and drive out the Armenian armed forces present in "
        "Nagorno-Karabakh and restore security to the region.",
        [
            "At noon today, the Azerbaijani Ministry of Defense, by publishing a statement, "
            "officially announced the beginning of a “local anti-terrorist operation” against the "
            "Nagorno-Karabakh government.",
            "The government of Baku stated that the purpose of this operation is to disarm and "
            "drive out the Armenian armed forces present in Nagorno-Karabakh and restore security "
            "to the region.",
        ],
    ),
    (  # sample: parentheses, no break inside
        "In the field and based on the available visual information, the artillery of the "
        "Republic of Azerbaijan Army targeted the Nagorno-Karabakh (Artsakh) air defense systems "
        "in Stepanakert (Khankendi) the center of Nagorno-Karabakh with several Israeli LORA "
        "missiles.",
        [
            "In the field and based on the available visual information, the artillery of the "
            "Republic of Azerbaijan Army targeted the Nagorno-Karabakh (Artsakh) air defense "
            "systems in Stepanakert (Khankendi) the center of Nagorno-Karabakh with several "
            "Israeli LORA missiles."
        ],
    ),
    (  # sample: two captions without final punctuation, then a sentence with a semicolon
        "The targeting of Artsakh air defense systems in Stepanakert with the Lora missile\n"
        "The launch of the Lora missile by the Republic of Azerbaijan towards Karabakh\n\n"
        "At the same time as this attack, the drones of the Republic of Azerbaijan were also seen "
        "over the region; According to the sound of drones, it seems that the Azerbaijani army "
        "has carried out another attack against the Armenian positions using Israeli Harop "
        "suicide drones.",
        [
            "The targeting of Artsakh air defense systems in Stepanakert with the Lora missile",
            "The launch of the Lora missile by the Republic of Azerbaijan towards Karabakh",
            "At the same time as this attack, the drones of the Republic of Azerbaijan were also "
            "seen over the region; According to the sound of drones, it seems that the "
            "Azerbaijani army has carried out another attack against the Armenian positions using "
            "Israeli Harop suicide drones.",
        ],
    ),
    (  # sample: page furniture at the end of the article, no trailing newline
        "Military situation in Karabakh – click to view full size\nShare it:\n\nLeave a Reply\n\n"
        "Your email address will not be published. Required fields are marked *",
        [
            "Military situation in Karabakh – click to view full size",
            "Share it:",
            "Leave a Reply",
            "Your email address will not be published.",
            "Required fields are marked *",
        ],
    ),
]
